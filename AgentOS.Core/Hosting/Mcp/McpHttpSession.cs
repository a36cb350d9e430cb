using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using AgentOS.Access;

namespace AgentOS.Hosting.Mcp;

/// <summary>
/// A Streamable HTTP session (<c>Mcp-Session-Id</c>): the MCP session, the principal that opened it (every later
/// request must authenticate as the same one), its GET stream and the answer streams of its POSTs, kept for
/// resumption until the newest <see cref="KeptStreams"/> have replaced them.
/// </summary>
internal sealed class McpHttpSession
{
    /// <summary>How many finished POST streams stay resumable.</summary>
    public const int KeptStreams = 64;

    /// <summary>How many events the GET stream keeps for resumption.</summary>
    public const int KeptSessionEvents = 1024;

    private readonly ConcurrentDictionary<string, McpHttpStream> _streams = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private readonly TimeProvider _time;
    private long _nextStream;
    private long _lastUsed;
    private int _active;

    public McpHttpSession(McpServer server, Principal principal, string agentId, TimeProvider time)
    {
        _time = time;
        _lastUsed = time.GetTimestamp();
        Id = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        Standalone = new McpHttpStream("0", KeptSessionEvents);
        _streams[Standalone.Id] = Standalone;
        Session = server.Open(principal, agentId, Standalone, Id);
    }

    /// <summary>The session id (random, unguessable: it is not a credential, but it should not be a handle to guess).</summary>
    public string Id { get; }

    public McpSession Session { get; }

    /// <summary>The GET stream: messages that belong to no request.</summary>
    public McpHttpStream Standalone { get; }

    /// <summary>A new answer stream for a POST.</summary>
    public McpHttpStream NewStream()
    {
        var stream = new McpHttpStream(Interlocked.Increment(ref _nextStream).ToString(CultureInfo.InvariantCulture), 0);
        _streams[stream.Id] = stream;
        _order.Enqueue(stream.Id);
        while (_order.Count > KeptStreams && _order.TryDequeue(out var old))
        {
            _streams.TryRemove(old, out _);
        }
        return stream;
    }

    /// <summary>Marks a request that uses the session as begun: the session is not idle until it ends
    /// (<see cref="EndUse"/>), however long its stream stays open.</summary>
    public void BeginUse()
    {
        Interlocked.Increment(ref _active);
        Interlocked.Exchange(ref _lastUsed, _time.GetTimestamp());
    }

    /// <summary>Marks a request that used the session as ended; the idle time counts from here.</summary>
    public void EndUse()
    {
        Interlocked.Exchange(ref _lastUsed, _time.GetTimestamp());
        Interlocked.Decrement(ref _active);
    }

    /// <summary>Whether no request has used it for <paramref name="timeout"/> and none is using it now.</summary>
    public bool IsIdleFor(TimeSpan timeout) => Volatile.Read(ref _active) == 0 && _time.GetElapsedTime(Interlocked.Read(ref _lastUsed)) >= timeout;

    /// <summary>The stream an event id belongs to.</summary>
    public McpHttpStream? Find(string streamId) => _streams.GetValueOrDefault(streamId);
}
