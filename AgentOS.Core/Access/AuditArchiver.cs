using System.Buffers;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using AgentOS.Storage.Files;

namespace AgentOS.Access;

/// <summary>
/// Compresses an audit log's sealed segments into archives and retires old archives, one run at a time on the thread
/// pool, off the writer thread (so denials never wait for gzip).
/// </summary>
/// <remarks>
/// Archiving one segment: gzip it into <c>NAME.gz.tmp</c>, fsync, stamp its time, rename it into place and sync the
/// folder; only then delete the segment. A crash before the rename leaves a .tmp file (deleted when the log reopens,
/// the segment archived again); after it, both names (readers take the archive; reopening deletes the segment).
/// Retention then deletes archives only, as <see cref="AuditLogOptions"/> states.
/// </remarks>
internal sealed class AuditArchiver(string activePath, AuditLogOptions options) : IDisposable
{
    private readonly Lock _gate = new();
    private Task _work = Task.CompletedTask;
    private Exception? _lastError;

    /// <summary>Completes when every run scheduled so far has finished.</summary>
    public Task Idle
    {
        get
        {
            lock (_gate)
            {
                return _work;
            }
        }
    }

    /// <summary>The last archiving or retention error (the segment stays unarchived, and is retried next run).</summary>
    public Exception? LastError => Volatile.Read(ref _lastError);

    /// <summary>Archives every sealed segment and applies retention, after the runs already scheduled.</summary>
    public void Schedule()
    {
        lock (_gate)
        {
            _work = _work.ContinueWith(static (_, state) => ((AuditArchiver)state!).Run(), this, CancellationToken.None,
                TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    public void Dispose() => Idle.GetAwaiter().GetResult();

    private void Run()
    {
        try
        {
            foreach (var segment in AuditFiles.List(activePath).Where(s => !s.Archived))
            {
                Archive(segment);
            }
            Retire();
            Volatile.Write(ref _lastError, null);
        }
#pragma warning disable CA1031 // Reported in LastError and the log's statistics; the segment stays on disk, safe, for the next run.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Volatile.Write(ref _lastError, ex);
        }
    }

    private void Archive(AuditFiles.Segment segment)
    {
        options.FaultInjection?.Invoke("archive:start");
        bool durable = false;
        string directory = Path.GetDirectoryName(activePath)!;
        string temporary = AuditFiles.ArchiveName(activePath, segment.Number, durable: false) + ".tmp";
        using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
            using (var input = new FileStream(segment.Path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 1))
            {
                // Line by line over bytes: a segment may be large (a version 0 log of hundreds of MB), so never all
                // in memory; and a busy kernel archives millions of records, so nothing is allocated per line.
                var chunk = new byte[64 * 1024];
                var line = new ArrayBufferWriter<byte>(4096);
                int number = 0, read;
                while ((read = input.Read(chunk)) > 0)
                {
                    var rest = chunk.AsSpan(0, read);
                    for (int end; (end = rest.IndexOf((byte)'\n')) >= 0; rest = rest[(end + 1)..])
                    {
                        line.Write(rest[..end]);
                        durable |= ArchiveLine(gzip, line, ++number, segment.Path);
                    }
                    line.Write(rest);
                }
                if (line.WrittenCount > 0)
                {
                    durable |= ArchiveLine(gzip, line, ++number, segment.Path); // a last line without its newline gets one
                }
            }
            output.Flush(flushToDisk: true);
        }
        File.SetLastWriteTimeUtc(temporary, options.TimeProvider.GetUtcNow().UtcDateTime);
        options.FaultInjection?.Invoke("archive:written");
        File.Move(temporary, AuditFiles.ArchiveName(activePath, segment.Number, durable), overwrite: true);
        FileSystemDevice.SyncDirectory(directory);
        options.FaultInjection?.Invoke("archive:renamed");
        File.Delete(segment.Path);
        FileSystemDevice.SyncDirectory(directory);
    }

    // Copies one line (and its newline) into the archive; whether it is a record that must outlive the count limit.
    private static bool ArchiveLine(GZipStream gzip, ArrayBufferWriter<byte> line, int number, string path)
    {
        var bytes = line.WrittenSpan;
        bool durable = bytes.Length > 0 && !(number == 1 && AuditFiles.ParseHeader(Encoding.UTF8.GetString(bytes), path) is not null)
            && IsDurable(bytes, path, number);
        gzip.Write(bytes);
        gzip.WriteByte((byte)'\n');
        line.ResetWrittenCount();
        return durable;
    }

    // A denial or an approval: the record's top-level "decision". The whole line is read, so a line that is not JSON
    // is refused as before (the segment stays unarchived), without building a record per line.
    private static bool IsDurable(ReadOnlySpan<byte> line, string path, int number)
    {
        bool durable = false;
        try
        {
            var reader = new Utf8JsonReader(line);
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("decision"u8) && reader.Read())
                {
                    durable = reader.TokenType == JsonTokenType.String && (reader.ValueTextEquals("Denied"u8) || reader.ValueTextEquals("Approved"u8));
                }
            }
        }
        catch (JsonException ex)
        {
            throw new AuditLogException($"Audit segment {path} line {number} is not a valid record ({ex.Message}); it stays unarchived. Repair or move the file.", ex);
        }
        return durable;
    }

    // Archives only, oldest first: those with denials or approvals by DurableArchiveRetention alone; the others by
    // ArchiveRetention and MaxArchives.
    private void Retire()
    {
        var now = options.TimeProvider.GetUtcNow().UtcDateTime;
        var archives = AuditFiles.List(activePath).Where(s => s.Archived).ToList();
        int excess = archives.Count(a => !a.Durable) - options.MaxArchives;
        bool deleted = false;
        foreach (var archive in archives)
        {
            var age = now - File.GetLastWriteTimeUtc(archive.Path);
            bool retire = archive.Durable
                ? options.DurableArchiveRetention is { } keep && age > keep
                : excess-- > 0 || age > options.ArchiveRetention;
            if (retire)
            {
                options.FaultInjection?.Invoke("retire");
                File.Delete(archive.Path);
                deleted = true;
            }
        }
        if (deleted)
        {
            FileSystemDevice.SyncDirectory(Path.GetDirectoryName(activePath)!);
        }
    }
}
