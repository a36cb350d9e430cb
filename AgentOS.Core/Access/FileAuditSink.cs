using System.Buffers;
using System.Text.Json;
using AgentOS.Serialization;

namespace AgentOS.Access;

/// <summary>JSON lines appended to a file; <see cref="Commit"/> is <c>Flush(flushToDisk: true)</c>.</summary>
internal sealed class FileAuditSink : AuditSink
{
    private readonly FileStream _stream;
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly Utf8JsonWriter _json;

    public FileAuditSink(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (System.IO.Path.GetDirectoryName(full) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }
        TruncateTornTail(full);
        _stream = new FileStream(full, new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.Read | FileShare.Delete,
            BufferSize = 0,
        });
        _json = new Utf8JsonWriter(_buffer);
        Path = full;
    }

    public override string Path { get; }

    public override void Append(ReadOnlySpan<AuditRecord> records)
    {
        foreach (ref readonly var record in records)
        {
            JsonSerializer.Serialize(_json, record, AgentOSJsonContext.Default.AuditRecord);
            _json.Flush();
            _buffer.Write("\n"u8);
            _json.Reset(_buffer);
        }
        _stream.Write(_buffer.WrittenSpan);
        _buffer.ResetWrittenCount();
    }

    public override void Commit() => _stream.Flush(flushToDisk: true);

    public override IReadOnlyList<AuditRecord> ReadAll() => ReadFile(Path);

    public override void Dispose()
    {
        _json.Dispose();
        _stream.Dispose();
    }

    /// <summary>Reads a JSON-lines audit file while it may still be written. A last line without its newline (being
    /// written now, or cut short by a crash) is not a record yet and is skipped; any unreadable complete line is an error.</summary>
    public static List<AuditRecord> ReadFile(string path)
    {
        string text;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        using (var reader = new StreamReader(stream))
        {
            text = reader.ReadToEnd();
        }
        var records = new List<AuditRecord>();
        int number = 0;
        int start = 0;
        int newline;
        while ((newline = text.IndexOf('\n', start)) >= 0)
        {
            number++;
            var line = text.AsSpan(start, newline - start);
            start = newline + 1;
            if (line.IsWhiteSpace())
            {
                continue;
            }
            try
            {
                records.Add(JsonSerializer.Deserialize(line, AgentOSJsonContext.Default.AuditRecord));
            }
            catch (JsonException ex)
            {
                throw new AuditLogException($"Audit log {path} line {number} is not a valid record ({ex.Message}): the file was damaged or written by something else.", ex);
            }
        }
        return records;
    }

    // A crash in the middle of a write leaves a last line without its newline. No caller was told that record was
    // recorded (that happens only after the flush), so cutting it off loses nothing promised and keeps every line whole.
    private static void TruncateTornTail(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }
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
