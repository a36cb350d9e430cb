using System.Globalization;
using System.Text;

namespace AgentOS.Hosting.Mcp;

/// <summary>
/// One server-sent-event stream of a Streamable HTTP session: the answer stream of a POST (its requests' messages,
/// then their answers) or the session's own GET stream (everything else). Every event is kept with an id
/// <c>STREAM_SEQ</c>, so a client that lost the connection — or whose stream the server ended on purpose
/// (<see cref="CloseStreamAsync"/>, SEP-1699 polling) — resumes with <c>Last-Event-ID</c> and misses nothing.
/// </summary>
/// <remarks>
/// Protocol: writers append under <c>_gate</c> and swap in a new <c>_changed</c> signal; one pump at a time is
/// attached (a new attachment, or a close, bumps <c>_attachment</c>, which ends the old pump at its next wake-up). The
/// pump takes its snapshot and the signal under the same lock, so no append between them is missed.
/// </remarks>
internal sealed class McpHttpStream(string id, int keep) : IMcpSink
{
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private readonly object _gate = new();
    private readonly List<byte[]> _events = [];
    private long _dropped; // events trimmed from the front (the GET stream keeps only the last `keep`)
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _attachment;
    private bool _completed;

    public string Id { get; } = id;

    /// <summary>Whether every message it will carry has been sent (a POST stream's answers are all in).</summary>
    public bool IsCompleted
    {
        get
        {
            lock (_gate)
            {
                return _completed;
            }
        }
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _events.Add(message.ToArray());
            if (keep > 0 && _events.Count > keep)
            {
                _events.RemoveAt(0);
                _dropped++;
            }
            Signal();
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Ends the attached response now; the events that follow wait for the client to resume.</summary>
    public ValueTask CloseStreamAsync()
    {
        lock (_gate)
        {
            _attachment++;
            Signal();
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>No more messages: a pump ends once it has written everything.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            Signal();
        }
    }

    /// <summary>The sequence number in an event id of this stream, or -1.</summary>
    public static (string Stream, long Sequence)? ParseEventId(string? eventId)
    {
        int at = eventId?.LastIndexOf('_') ?? -1;
        return at > 0 && long.TryParse(eventId.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long seq)
            ? (eventId![..at], seq)
            : null;
    }

    /// <summary>
    /// Writes the events after sequence <paramref name="after"/> (-1: from the start, with a priming event that tells
    /// the client the stream's first id and how soon to reconnect), then each new one, until the stream completes, a
    /// newer pump or a close detaches this one, or <paramref name="cancellationToken"/> fires.
    /// </summary>
    public async Task PumpAsync(Stream output, long after, CancellationToken cancellationToken)
    {
        int me;
        lock (_gate)
        {
            me = ++_attachment;
            Signal();
        }
        if (after < 0)
        {
            await output.WriteAsync(Encoding.UTF8.GetBytes($"id: {Id}_0\nretry: 500\ndata: \n\n"), cancellationToken).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            after = 0;
        }
        long next = after + 1; // event sequence numbers start at 1 (0 is the priming event)
        while (true)
        {
            byte[][] batch;
            bool detached, done;
            Task changed;
            lock (_gate)
            {
                long first = Math.Max(next, _dropped + 1);
                next = first;
                int from = (int)(first - 1 - _dropped);
                batch = from < _events.Count ? [.. _events.Skip(from)] : [];
                detached = _attachment != me;
                done = _completed;
                changed = _changed.Task;
            }
            if (detached)
            {
                return; // closed on purpose, or another pump took over: the client resumes from what it got
            }
            foreach (var message in batch)
            {
                await output.WriteAsync(Encoding.UTF8.GetBytes($"event: message\nid: {Id}_{next.ToString(CultureInfo.InvariantCulture)}\ndata: "), cancellationToken).ConfigureAwait(false);
                await output.WriteAsync(message, cancellationToken).ConfigureAwait(false);
                await output.WriteAsync(EventEnd, cancellationToken).ConfigureAwait(false);
                next++;
            }
            if (batch.Length > 0)
            {
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            if (done && batch.Length == 0)
            {
                return;
            }
            if (batch.Length == 0)
            {
                await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void Signal()
    {
        var old = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        old.TrySetResult();
    }
}
