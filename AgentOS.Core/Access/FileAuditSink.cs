using System.Buffers;
using System.Text.Json;
using AgentOS.Serialization;
using AgentOS.Storage.Files;

namespace AgentOS.Access;

/// <summary>
/// JSON lines appended to the active file (see <see cref="AuditFiles"/> for the layout); <see cref="Commit"/> is
/// <c>Flush(flushToDisk: true)</c>. After a commit the active file rotates by size or age: it is closed, renamed to
/// the next segment number (one atomic rename) and a new active file with its header is made durable; the
/// <see cref="AuditArchiver"/> compresses the segment in the background.
/// </summary>
internal sealed class FileAuditSink : AuditSink
{
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly Utf8JsonWriter _json;
    private readonly AuditLogOptions _options;
    private readonly AuditArchiver _archiver;
    private readonly string _directory;
    private FileStream? _stream;    // null after a failed rotation: the next append opens the active file again
    private long _number;           // the active file's segment number
    private DateTimeOffset _created;
    private long _length;           // bytes in the active file (written by the writer thread, read by Statistics)
    private bool _hasRecords;
    private long _rotations;

    public FileAuditSink(string path, AuditLogOptions options)
    {
        _options = options;
        Path = System.IO.Path.GetFullPath(path);
        _directory = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(_directory);
        _json = new Utf8JsonWriter(_buffer);
        _archiver = new AuditArchiver(Path, options);
        // Before any writer or archiver runs: leftovers of a crash. A .tmp file was never renamed into place, so its
        // content is elsewhere (a sealed segment) or was never acknowledged (a new active file holds only a header).
        foreach (var file in AuditFiles.Unfinished(Path).Concat(AuditFiles.Superseded(Path)).ToList())
        {
            File.Delete(file);
        }
        OpenActive();
        _archiver.Schedule();
    }

    public override string Path { get; }

    /// <summary>Completes when every sealed segment scheduled so far is archived and retention has run.</summary>
    internal Task ArchivingIdle => _archiver.Idle;

    public override void Append(ReadOnlySpan<AuditRecord> records)
    {
        Fault("append");
        if (_stream is null)
        {
            OpenActive();
        }
        foreach (ref readonly var record in records)
        {
            JsonSerializer.Serialize(_json, record, AgentOSJsonContext.Default.AuditRecord);
            _json.Flush();
            _buffer.Write("\n"u8);
            _json.Reset(_buffer);
        }
        _stream!.Write(_buffer.WrittenSpan);
        Volatile.Write(ref _length, _length + _buffer.WrittenCount);
        _hasRecords = true;
        _buffer.ResetWrittenCount();
    }

    public override void Commit() => _stream?.Flush(flushToDisk: true);

    public override void AfterCommit()
    {
        if (_stream is null || !_hasRecords)
        {
            return;
        }
        if (_length >= _options.MaxFileBytes || _options.TimeProvider.GetUtcNow() - _created >= _options.MaxFileAge)
        {
            Rotate();
        }
    }

    public override IReadOnlyList<AuditRecord> ReadAll() => AuditFiles.ReadAll(Path);

    public override AuditLogStatistics Statistics()
    {
        long archivedBytes = 0, unarchivedBytes = 0;
        int archives = 0, unarchived = 0;
        foreach (var segment in AuditFiles.List(Path))
        {
            var info = new FileInfo(segment.Path);
            long size = info.Exists ? info.Length : 0; // archived or retired since listing
            if (segment.Archived)
            {
                archives++;
                archivedBytes += size;
            }
            else
            {
                unarchived++;
                unarchivedBytes += size;
            }
        }
        return new AuditLogStatistics(Path, Volatile.Read(ref _length), unarchived, unarchivedBytes, archives, archivedBytes, Volatile.Read(ref _rotations), _archiver.LastError?.Message);
    }

    public override void Dispose()
    {
        _json.Dispose();
        _stream?.Dispose();
        _archiver.Dispose();
    }

    // Seal: close, rename to the segment's name (atomic: the records are in exactly one of the two names), sync the
    // folder, then start the next file. A failure before the rename leaves the active file in place to reopen.
    private void Rotate()
    {
        Fault("rotate:close");
        _stream!.Dispose();
        _stream = null;
        File.Move(Path, AuditFiles.SealedName(Path, _number));
        Fault("rotate:renamed");
        FileSystemDevice.SyncDirectory(_directory);
        Interlocked.Increment(ref _rotations);
        CreateActive(_number + 1);
        _archiver.Schedule();
    }

    private void OpenActive()
    {
        Fault("open");
        if (File.Exists(Path))
        {
            TruncateTornTail(Path);
            long length = new FileInfo(Path).Length;
            var existing = length > 0 ? AuditFiles.ReadHeader(Path) : null;
            if (existing is { Version: AuditFiles.Version } header)
            {
                _stream = OpenAppend();
                _number = header.Number;
                _created = header.Created;
                Volatile.Write(ref _length, length);
                _hasRecords = length > AuditFiles.HeaderLine(header.Number, header.Created).Length;
                return;
            }
            if (length > 0)
            {
                // A file of an earlier format (version 0, before rotation existed; version 1, before coalesced
                // records): seal it whole as a segment, so new records always go to a file of this version (an older
                // AgentOS refuses it instead of misreading it) and the old ones are archived like any other.
                File.Move(Path, AuditFiles.SealedName(Path, existing?.Number is { } number && number >= NextNumber() ? number : NextNumber()));
            }
            else
            {
                File.Delete(Path);
            }
            FileSystemDevice.SyncDirectory(_directory);
        }
        CreateActive(NextNumber());
    }

    private long NextNumber() => AuditFiles.List(Path) is { Count: > 0 } segments ? segments[^1].Number + 1 : 1;

    // The new file gets its header and is synced under a temporary name, then renamed into place: a reader never sees
    // an active file without its header.
    private void CreateActive(long number)
    {
        Fault("create");
        var created = _options.TimeProvider.GetUtcNow();
        var header = AuditFiles.HeaderLine(number, created);
        string temporary = Path + ".next.tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(header);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, Path);
        FileSystemDevice.SyncDirectory(_directory);
        _stream = OpenAppend();
        _number = number;
        _created = created;
        Volatile.Write(ref _length, header.Length);
        _hasRecords = false;
    }

    private FileStream OpenAppend() => new(Path, new FileStreamOptions
    {
        Mode = FileMode.Append,
        Access = FileAccess.Write,
        Share = FileShare.Read | FileShare.Delete,
        BufferSize = 0,
    });

    private void Fault(string step) => _options.FaultInjection?.Invoke(step);

    // A crash in the middle of a write leaves a last line without its newline. No caller was told that record was
    // recorded (that happens only after the flush), so cutting it off loses nothing promised and keeps every line whole.
    private static void TruncateTornTail(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        long end = stream.Length;
        if (end == 0)
        {
            return;
        }
        Span<byte> buffer = stackalloc byte[4096];
        long position = end;
        while (position > 0)
        {
            int size = (int)Math.Min(buffer.Length, position);
            position -= size;
            stream.Position = position;
            stream.ReadExactly(buffer[..size]);
            int newline = buffer[..size].LastIndexOf((byte)'\n');
            if (newline >= 0)
            {
                if (position + newline + 1 != end)
                {
                    stream.SetLength(position + newline + 1);
                }
                return;
            }
        }
        stream.SetLength(0);
    }
}
