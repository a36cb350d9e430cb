using System.Globalization;
using AgentOS.Queues;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Queues;

/// <summary>The consumer's side of a ring under stress, so <see cref="RingStressChecker"/> can also be pointed at a
/// deliberately broken ring (<see cref="FaultyRing"/>) to prove it catches what it claims to.</summary>
public interface IConsumedRing
{
    bool WaitForItems(CancellationToken cancellationToken);

    bool TryTake(out long item);

    int Drain(Span<long> destination);

    /// <summary>Refuses further items; producers see it and stop.</summary>
    void Complete();
}

/// <summary>An <see cref="MpscRing{T}"/> as the checker sees it.</summary>
public sealed class ConsumedMpscRing(MpscRing<long> ring) : IConsumedRing
{
    public bool WaitForItems(CancellationToken cancellationToken) => ring.WaitForItems(cancellationToken);

    public bool TryTake(out long item) => ring.TryTake(out item);

    public int Drain(Span<long> destination) => ring.Drain(destination);

    public void Complete() => ring.Complete();
}

/// <summary>
/// The consumer of the ring stress tests: checks that every item of every producer arrives exactly once and in its
/// producer's order. An item is <c>producer &lt;&lt; 40 | sequence</c>. A lost or duplicated item in the middle of
/// the stream fails at once (the next item is out of order); a lost last item, a lost wake-up or a slot that never
/// becomes visible would otherwise be a silent hang, so the consumer also fails when no item at all arrives for
/// <c>stallTimeout</c>, naming the items still missing per producer.
/// </summary>
public sealed class RingStressChecker(int producers, long? total, TimeSpan stallTimeout)
{
    /// <summary>The default stall timeout: long enough for a descheduled producer on a loaded two-core machine,
    /// short enough that a lost item fails the run in seconds rather than at the test's timeout.</summary>
    public static readonly TimeSpan DefaultStallTimeout = TimeSpan.FromSeconds(20);

    private readonly long[] _next = new long[producers];
    private long _received;

    public static long Item(int producer, long sequence) => ((long)producer << 40) | sequence;

    /// <summary>
    /// Consumes on this thread while <paramref name="workers"/> produce into <paramref name="ring"/>; returns how many
    /// items each producer delivered. A producer that throws cancels <paramref name="failed"/>, which stops the
    /// consumer, and its exception is rethrown here. When the check fails the ring is completed (so producers stop
    /// instead of spinning on a full ring for the rest of the run) and the producers are joined before the failure
    /// is thrown.
    /// </summary>
    public long[] ConsumeWhileProducing(IConsumedRing ring, List<Worker> workers, CancellationTokenSource failed)
    {
        long[] received;
        try
        {
            received = Consume(ring, failed.Token);
        }
        catch (OperationCanceledException) when (failed.IsCancellationRequested)
        {
            Worker.JoinAll(workers);
            throw;
        }
        catch (AssertException)
        {
            ring.Complete();
            JoinIgnoringErrors(workers);
            throw;
        }
        Worker.JoinAll(workers);
        return received;
    }

    /// <summary>Takes until <c>total</c> items (or, when null, until completed and drained), failing on any item out
    /// of its producer's order or on a stall; returns how many items each producer delivered.</summary>
    public long[] Consume(IConsumedRing ring, CancellationToken failed)
    {
        using var stalled = CancellationTokenSource.CreateLinkedTokenSource(failed);
        long seen = -1;
        // A watchdog, not a deadline: it cancels the wait only when a whole period passed without one item.
        using var watchdog = TimeProvider.System.CreateTimer(_ =>
        {
            long now = Interlocked.Read(ref _received);
            if (now == seen)
            {
                stalled.Cancel();
            }
            seen = now;
        }, null, stallTimeout, stallTimeout);

        var buffer = new long[32];
        int round = 0;
        while (total is null || _received < total)
        {
            bool more;
            try
            {
                more = ring.WaitForItems(stalled.Token);
            }
            catch (OperationCanceledException) when (!failed.IsCancellationRequested)
            {
                Assert.Fail(StallMessage());
                throw;
            }
            if (!more)
            {
                break;
            }
            if (++round % 4 == 0)
            {
                Assert.True(ring.TryTake(out long item), "not empty, so a take succeeds");
                Check(item);
                continue;
            }
            int n = ring.Drain(buffer.AsSpan(0, 1 + round % buffer.Length));
            Assert.True(n > 0, "not empty, so a drain takes at least one item");
            for (int i = 0; i < n; i++)
            {
                Check(buffer[i]);
            }
        }
        if (total is not null)
        {
            Assert.SequenceEqual(Enumerable.Repeat(total.Value / producers, producers), _next, "items received per producer");
        }
        return _next;
    }

    private void Check(long item)
    {
        long received = _received;
        int producer = (int)(item >> 40);
        long sequence = item & ((1L << 40) - 1);
        if (producer < 0 || producer >= _next.Length)
        {
            Assert.Fail($"item {received}: no producer {producer} (item 0x{item:x})");
        }
        long due = _next[producer];
        if (sequence > due)
        {
            Assert.Fail($"item {received}: producer {producer} sent item {sequence} where {due} was due: " +
                        $"producer {producer}'s {Range(due, sequence - 1)} lost (or reordered)");
        }
        if (sequence < due)
        {
            Assert.Fail($"item {received}: producer {producer} sent item {sequence} again after {due - 1}: " +
                        "a duplicate (or reordering)");
        }
        _next[producer]++;
        Interlocked.Increment(ref _received);
    }

    private string StallMessage()
    {
        var text = string.Create(CultureInfo.InvariantCulture,
            $"no item arrived for {stallTimeout.TotalSeconds:0.#} s after {_received} items{(total is null ? "" : $" of {total}")}: ");
        if (total is null)
        {
            return text + "the ring was not completed; delivered per producer: " + string.Join(", ", _next.Select((n, p) => $"producer {p} items 0..{n - 1}"));
        }
        long perProducer = total.Value / producers;
        var missing = _next.Select((n, p) => (Producer: p, Next: n)).Where(x => x.Next < perProducer)
            .Select(x => $"producer {x.Producer}'s {Range(x.Next, perProducer - 1)}");
        return text + "missing " + string.Join(", ", missing) + " (lost, or a wake-up was)";
    }

    private static string Range(long first, long last) => first == last ? $"item {first}" : $"items {first}..{last}";

    private static void JoinIgnoringErrors(List<Worker> workers)
    {
        foreach (var worker in workers)
        {
            try
            {
                worker.Join();
            }
            catch (Exception)
            {
                // The ring was completed to stop it (Publish throws then): the check's failure is what the test reports.
            }
        }
    }
}
