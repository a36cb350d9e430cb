using AgentOS.Events;

namespace AgentOS.Tests.Events;

/// <summary>
/// A subscriber that checks, as events arrive, that each publisher's events come in order: exactly 0, 1, 2, ... when
/// <c>exact</c>, strictly increasing otherwise (a drop-oldest subscriber sees gaps). It can be slowed down (a 1 ms
/// sleep every <c>slowEvery</c> events) and held at its first event until a gate opens. Delivery is one thread at a
/// time, so plain fields suffice; read them after the subscription's completion.
/// </summary>
public sealed class Recorder(int publishers, bool exact, int slowEvery = 0, ManualResetEventSlim? gate = null) : IEventSubscriber<Ping>
{
    private readonly long[] _last = [.. Enumerable.Repeat(-1L, publishers)];
    private readonly long[] _counts = new long[publishers];
    private readonly string[] _agents = TestBus.AgentNames(publishers);
    private long _received;

    public string? FirstViolation { get; private set; }

    public long Received => _received;

    public long CountOf(int publisher) => _counts[publisher];

    public void OnEvent(in Ping e)
    {
        gate?.Wait();
        _received++;
        if (slowEvery > 0 && _received % slowEvery == 0)
        {
            Thread.Sleep(1);
        }
        long last = _last[e.Publisher];
        bool inOrder = exact ? e.Sequence == last + 1 : e.Sequence > last;
        if (!inOrder && FirstViolation is null)
        {
            FirstViolation = $"publisher {e.Publisher}: event {e.Sequence} after {last}";
        }
        if (e.Agent != _agents[e.Publisher] && FirstViolation is null)
        {
            FirstViolation = $"publisher {e.Publisher}: agent '{e.Agent}' (a torn or corrupted event)";
        }
        _last[e.Publisher] = e.Sequence;
        _counts[e.Publisher]++;
    }

    /// <summary>Asserts that every publisher's events arrived in order, and (exact) all of them.</summary>
    public void AssertOrdered(string subscription, long perPublisher)
    {
        Framework.Assert.Null(FirstViolation, $"{subscription}: {FirstViolation}");
        if (exact)
        {
            for (int p = 0; p < _counts.Length; p++)
            {
                Framework.Assert.Equal(perPublisher, _counts[p], $"{subscription}: events of publisher {p}");
            }
        }
    }
}
