using AgentOS.Queues;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Queues;

/// <summary>
/// The stress checker tested against a ring that loses or duplicates one item in 10⁵: it must fail with a message
/// naming the producer and the item, never hang. Its own stall timeout (2 s here) bounds the lost-last-item case; no
/// timing is asserted.
/// </summary>
public sealed class RingStressCheckerTests
{
    private const long Period = 100_000;
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(2);

    [Test]
    public void OneDroppedItemInAHundredThousandFailsNamingIt()
    {
        var (failure, faulted) = RunAgainstFaultyRing(producers: 2, total: 2 * Period + 2, FaultyRing.Fault.Drop);
        var (producer, sequence) = Split(faulted[0]);
        Assert.Contains($"producer {producer}'s item {sequence}", failure.Message);
        Assert.Contains("lost", failure.Message);
    }

    [Test]
    public void OneDuplicatedItemInAHundredThousandFailsNamingIt()
    {
        var (failure, faulted) = RunAgainstFaultyRing(producers: 2, total: 2 * Period + 2, FaultyRing.Fault.Duplicate);
        var (producer, sequence) = Split(faulted[0]);
        Assert.Contains($"producer {producer} sent item {sequence} again", failure.Message);
        Assert.Contains("duplicate", failure.Message);
    }

    /// <summary>The last item lost: nothing after it is out of order, so only the stall timeout can catch it.</summary>
    [Test]
    public void ALostLastItemFailsAtTheStallTimeoutNamingIt()
    {
        var (failure, faulted) = RunAgainstFaultyRing(producers: 1, total: Period, FaultyRing.Fault.Drop);
        Assert.Equal(RingStressChecker.Item(0, Period - 1), faulted.Single());
        Assert.Equal($"no item arrived for 2 s after {Period - 1} items of {Period}: missing producer 0's item {Period - 1} (lost, or a wake-up was)", failure.Message);
    }

    /// <summary>The same run on the healthy ring passes: the failures above come from the faults, not the set-up.</summary>
    [Test]
    public void TheSameRunOnAHealthyRingPasses()
    {
        var ring = new MpscRing<long>(64, new SpinThenParkWaitStrategy());
        using var failed = new CancellationTokenSource();
        var workers = StartProducers(ring, 2, Period + 1, failed);
        var received = new RingStressChecker(2, 2 * Period + 2, Stall).ConsumeWhileProducing(new ConsumedMpscRing(ring), workers, failed);
        Assert.SequenceEqual([Period + 1, Period + 1], received);
    }

    private static (AssertException Failure, List<long> Faulted) RunAgainstFaultyRing(int producers, long total, FaultyRing.Fault fault)
    {
        var ring = new MpscRing<long>(64, new SpinThenParkWaitStrategy());
        var faulty = new FaultyRing(new ConsumedMpscRing(ring), fault, Period);
        using var failed = new CancellationTokenSource();
        var workers = StartProducers(ring, producers, total / producers, failed);
        var checker = new RingStressChecker(producers, total, Stall);
        var failure = Assert.Throws<AssertException>(() => checker.ConsumeWhileProducing(faulty, workers, failed));
        Assert.True(faulty.Faulted.Count > 0, "the ring dropped or duplicated an item");
        return (failure, faulty.Faulted);
    }

    private static List<Worker> StartProducers(MpscRing<long> ring, int producers, long perProducer, CancellationTokenSource failed) =>
        Enumerable.Range(0, producers).Select(p => Worker.Start(() =>
        {
            for (long s = 0; s < perProducer; s++)
            {
                ring.Publish(RingStressChecker.Item(p, s));
            }
        }, $"producer {p}", failed)).ToList();

    private static (int Producer, long Sequence) Split(long item) => ((int)(item >> 40), item & ((1L << 40) - 1));
}
