using System.Buffers;
using System.Text.Json;
using AgentOS.Formats;

namespace AgentOS.Events;

/// <summary>
/// Writes chosen event types from a bus to a file as JSON lines, <c>{"type":"&lt;registered name&gt;","data":&lt;event&gt;}</c>,
/// for <see cref="EventLogReader"/> to replay. A new file's first line names its format,
/// <c>{"format":"agentos.events","format_version":1}</c> (<see cref="FormatVersions.EventLog"/>); logs written before
/// it existed (version 0) have no such line.
/// </summary>
/// <remarks>
/// <para>Each logged type is a <see cref="OverflowPolicy.SpillToFile"/> subscription, so the log misses nothing and
/// keeps each publisher's order within a type. Lines of different types are written as their subscriptions deliver
/// them, so across types the file order is only approximately the publish order.</para>
/// <para>Lines go through a buffered file stream, which is flushed whenever a subscription has written everything
/// queued (so an idle log is on disk), on <see cref="Flush"/>, and on disposal. <see cref="DisposeAsync"/> (or
/// <see cref="Dispose"/>, which blocks for the same) writes every event published before the call, then closes the
/// file. A line that cannot be written (its event does not serialize) is reported as a
/// <see cref="SubscriberFault"/> and left out.</para>
/// <para>Thread-safety: every member, from any thread.</para>
/// </remarks>
public sealed class EventLog : IDisposable, IAsyncDisposable
{
    private static readonly JsonEncodedText TypeProperty = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText DataProperty = JsonEncodedText.Encode("data");

    /// <summary>The <c>format</c> value of an event log's first line.</summary>
    internal const string FormatName = "agentos.events";

    private static readonly byte[] HeaderLine =
        System.Text.Encoding.UTF8.GetBytes($"{{\"format\":\"{FormatName}\",\"format_version\":{FormatVersions.EventLog}}}\n");

    private readonly Lock _gate = new();
    private readonly EventBus _bus;
    private readonly FileStream _stream;
    private readonly EventLogOptions _options;
    private readonly List<EventSubscription> _subscriptions = [];
    private readonly List<IDisposable> _writers = [];
    private long _written;
    private bool _closing; // no more Include
    private bool _closed;  // the file is closed

    private EventLog(EventBus bus, string path, FileStream stream, EventLogOptions options)
    {
        _bus = bus;
        Path = path;
        _stream = stream;
        _options = options;
    }

    /// <summary>The log file.</summary>
    public string Path { get; }

    /// <summary>Lines written so far.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Opens <paramref name="path"/> for writing (replacing it unless <see cref="EventLogOptions.Append"/>);
    /// nothing is logged until <see cref="Include{TEvent}"/>.</summary>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public static EventLog Create(EventBus bus, string path, EventLogOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new EventLogOptions();
        var stream = new FileStream(path, options.Append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read,
            bufferSize: 64 * 1024);
        // A new file starts with its format line; appending keeps the format of the file's first line (a version-0
        // file, which has none, stays version 0: its lines are the same).
        if (stream.Length == 0)
        {
            stream.Write(HeaderLine);
        }
        return new EventLog(bus, System.IO.Path.GetFullPath(path), stream, options);
    }

    /// <summary>Starts logging <typeparamref name="TEvent"/>. Returns this log, to chain calls.</summary>
    /// <exception cref="EventTypeNotRegisteredException">The type is not registered in the bus's
    /// <see cref="EventBus.Types"/>: a log line needs its name and JSON metadata.</exception>
    /// <exception cref="ObjectDisposedException">The log is disposed.</exception>
    public EventLog Include<TEvent>()
    {
        var type = _bus.Types.Get<TEvent>("log it");
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closing, this);
            var writer = new LineWriter<TEvent>(this, type);
            _writers.Add(writer);
            _subscriptions.Add(_bus.Subscribe(writer, new SubscriptionOptions
            {
                Name = $"log {type.Name} -> {System.IO.Path.GetFileName(Path)}",
                Capacity = _options.Capacity,
                Overflow = OverflowPolicy.SpillToFile,
                SpillDirectory = _options.SpillDirectory,
            }));
        }
        return this;
    }

    /// <summary>Pushes the lines written so far to the operating system.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            if (!_closed)
            {
                _stream.Flush();
            }
        }
    }

    /// <summary>Writes every event published before the call, flushes and closes the file. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        EventSubscription[] subscriptions;
        lock (_gate)
        {
            _closing = true;
            subscriptions = [.. _subscriptions];
        }
        foreach (var subscription in subscriptions)
        {
            await subscription.DisposeAsync().ConfigureAwait(false);
        }
        lock (_gate)
        {
            _closed = true;
            _stream.Dispose();
            foreach (var writer in _writers)
            {
                writer.Dispose();
            }
        }
    }

    /// <summary>Like <see cref="DisposeAsync"/>, blocking until the last line is written; prefer
    /// <see cref="DisposeAsync"/> on pool threads.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private void WriteLine(ReadOnlySpan<byte> line)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }
            _stream.Write(line);
            _stream.WriteByte((byte)'\n');
            _written++;
        }
    }

    /// <summary>One logged type: serializes on its subscription's drain, then appends under the log's lock.</summary>
    private sealed class LineWriter<TEvent>(EventLog log, RegisteredEventType<TEvent> type) : IEventSubscriber<TEvent>, IDrainObserver, IDisposable
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(256);
        private readonly Utf8JsonWriter _json = new(Stream.Null);

        public void OnEvent(in TEvent e)
        {
            _buffer.ResetWrittenCount();
            _json.Reset(_buffer);
            _json.WriteStartObject();
            _json.WriteString(TypeProperty, type.EncodedName);
            _json.WritePropertyName(DataProperty);
            JsonSerializer.Serialize(_json, e, type.TypeInfo);
            _json.WriteEndObject();
            _json.Flush();
            log.WriteLine(_buffer.WrittenSpan);
        }

        public void OnDrained() => log.Flush();

        public void Dispose() => _json.Dispose();
    }
}
