using System.Text.Json;
using AgentOS.Formats;

namespace AgentOS.Events;

/// <summary>
/// Reads an event log written by <see cref="EventLog"/> (or by hand: one JSON object
/// <c>{"type": "&lt;registered name&gt;", "data": &lt;event&gt;}</c> per line) and replays it into a bus.
/// </summary>
/// <remarks>
/// <para>Replay is all or nothing: <see cref="ReplayInto"/> first reads and checks the whole file (every line parses,
/// names a registered type, and its data deserializes as that type), and only then publishes, in file order, from
/// the calling thread. A bad line raises a <see cref="MalformedEventLineException"/> or an
/// <see cref="UnknownEventTypeException"/> naming the file and the line, and nothing is published. Blank lines are
/// skipped; properties other than <c>type</c> and <c>data</c> are ignored. A first line naming the format
/// (<c>{"format":"agentos.events","format_version":1}</c>) is checked and skipped; logs without it are version 0.</para>
/// <para>Replay publishes as fast as the bus takes events: what the subscribers see then depends on their overflow
/// policies (use <see cref="OverflowPolicy.SpillToFile"/> for subscribers that must see every replayed event).</para>
/// </remarks>
/// <param name="path">The log file.</param>
/// <param name="types">The registry that names the log's event types.</param>
public sealed class EventLogReader(string path, EventTypes types)
{
    /// <summary>The log file.</summary>
    public string Path { get; } = path ?? throw new ArgumentNullException(nameof(path));

    private readonly EventTypes _types = types ?? throw new ArgumentNullException(nameof(types));

    /// <summary>Checks every line without publishing anything; returns how many events the log holds.</summary>
    /// <exception cref="MalformedEventLineException">A line is not a well-formed event.</exception>
    /// <exception cref="UnknownEventTypeException">A line names an unregistered type.</exception>
    /// <exception cref="FormatVersionException">The log was written by a newer AgentOS.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public long Validate(CancellationToken cancellationToken = default) => Read(bus: null, cancellationToken);

    /// <summary>Checks the whole log, then publishes its events into <paramref name="bus"/> in file order; returns how
    /// many it published.</summary>
    /// <exception cref="MalformedEventLineException">A line is not a well-formed event; nothing was published.</exception>
    /// <exception cref="UnknownEventTypeException">A line names an unregistered type; nothing was published.</exception>
    /// <exception cref="FormatVersionException">The log was written by a newer AgentOS; nothing was published.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (during the
    /// publishing pass, after some events were published).</exception>
    public long ReplayInto(EventBus bus, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bus);
        Read(bus: null, cancellationToken);
        return Read(bus, cancellationToken);
    }

    private long Read(EventBus? bus, CancellationToken cancellationToken)
    {
        using var lines = new LineReader(Path);
        long events = 0;
        bool first = true;
        while (lines.TryReadLine(out var line, out long number))
        {
            if ((number & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            if (line.Trim(" \t\r"u8).IsEmpty)
            {
                continue;
            }
            if (first)
            {
                first = false;
                if (IsFormatLine(line))
                {
                    continue;
                }
            }
            var type = Parse(line, number, out var data);
            try
            {
                if (bus is null)
                {
                    type.Validate(data);
                }
                else
                {
                    type.Publish(bus, data);
                }
            }
            catch (JsonException exception)
            {
                throw new MalformedEventLineException(Path, number,
                    $"its data is not a valid '{type.Name}' event ({type.ClrType.Name}): {exception.Message}", exception);
            }
            events++;
        }
        return events;
    }

    // The first line of a log since format version 1: {"format":"agentos.events","format_version":N}. A log without
    // it is version 0 (the same event lines). A version above this build's is refused before anything is published.
    private bool IsFormatLine(ReadOnlySpan<byte> line)
    {
        string? format = null;
        long version = -1;
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isFormat = reader.ValueTextEquals("format"u8), isVersion = reader.ValueTextEquals("format_version"u8);
                reader.Read();
                if (isFormat && reader.TokenType == JsonTokenType.String)
                {
                    format = reader.GetString();
                }
                else if (isVersion && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long number))
                {
                    version = number;
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return false; // not a format line; Parse reports the malformed line
        }
        if (format != EventLog.FormatName)
        {
            return false;
        }
        if (version is < 1 or > FormatVersions.EventLog)
        {
            throw new FormatVersionException(Path, "event log", version, FormatVersions.EventLog);
        }
        return true;
    }

    private EventType Parse(ReadOnlySpan<byte> line, long number, out ReadOnlySpan<byte> data)
    {
        string? typeName = null;
        int dataStart = -1;
        int dataEnd = -1;
        try
        {
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Malformed(number, "it is not a JSON object");
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw Malformed(number, $"its \"type\" is a JSON {reader.TokenType}, not a string");
                    }
                    typeName = reader.GetString();
                }
                else if (reader.ValueTextEquals("data"u8))
                {
                    reader.Read();
                    dataStart = (int)reader.TokenStartIndex;
                    reader.Skip();
                    dataEnd = (int)reader.BytesConsumed;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            if (reader.Read())
            {
                throw Malformed(number, "it holds more than one JSON value"); // unreachable: the reader throws first
            }
        }
        catch (JsonException exception)
        {
            throw new MalformedEventLineException(Path, number, $"it is not valid JSON ({exception.Message})", exception);
        }
        if (typeName is null)
        {
            throw Malformed(number, "it has no \"type\"");
        }
        if (dataStart < 0)
        {
            throw Malformed(number, $"its '{typeName}' event has no \"data\"");
        }
        if (!_types.TryGet(typeName, out var type))
        {
            throw new UnknownEventTypeException(Path, number, typeName);
        }
        data = line[dataStart..dataEnd];
        return type;
    }

    private MalformedEventLineException Malformed(long number, string problem) => new(Path, number, problem);

    /// <summary>Splits a file into lines of bytes without decoding them; a line is valid until the next call.</summary>
    private sealed class LineReader(string path) : IDisposable
    {
        private readonly FileStream _stream = new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
        private byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;
        private bool _eof;
        private long _number;

        public bool TryReadLine(out ReadOnlySpan<byte> line, out long number)
        {
            int scanned = 0;
            while (true)
            {
                int newline = _buffer.AsSpan(_start + scanned, _end - _start - scanned).IndexOf((byte)'\n');
                if (newline >= 0)
                {
                    line = _buffer.AsSpan(_start, scanned + newline);
                    _start += scanned + newline + 1;
                    number = ++_number;
                    return true;
                }
                scanned = _end - _start;
                if (_eof)
                {
                    if (scanned == 0)
                    {
                        line = default;
                        number = _number;
                        return false;
                    }
                    line = _buffer.AsSpan(_start, scanned); // the last line, without a newline
                    _start = _end;
                    number = ++_number;
                    return true;
                }
                Fill();
            }
        }

        public void Dispose() => _stream.Dispose();

        private void Fill()
        {
            int buffered = _end - _start;
            if (buffered == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2); // a line longer than the buffer
            }
            else if (_start > 0)
            {
                _buffer.AsSpan(_start, buffered).CopyTo(_buffer);
            }
            _start = 0;
            _end = buffered;
            int read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                _eof = true;
            }
            _end += read;
        }
    }
}
