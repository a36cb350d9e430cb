using AgentOS.Queues;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Queues;

/// <summary>
/// Linearizability-style stress for <see cref="MpscRing{T}"/>: many producers, one consumer that checks every item
/// arrives exactly once and in each producer's order (<see cref="RingStressChecker"/>). Bounded by default (a few
/// hundred thousand items, seconds); <c>--stress</c> runs tens of millions. No timing is asserted: a lost item fails
/// at once, or when nothing arrives for the checker's stall timeout (seconds), naming what is missing.
/// </summary>
public sealed class MpscRingStressTests
{
    private const int Timeout = 900;

    private static long Items => TestEnvironment.Scale(300_000, 30_000_000);

    [Test(TimeoutSeconds = Timeout)]
    public void OneProducerEveryItemOnceInOrder() => ProduceAndCheck(producers: 1, capacity: 64, new SpinThenParkWaitStrategy(), Items);

    [Test(TimeoutSeconds = Timeout)]
    public void TwoProducersEveryItemOnceInProducerOrder() => ProduceAndCheck(producers: 2, capacity: 64, new SpinThenParkWaitStrategy(), Items);

    [Test(TimeoutSeconds = Timeout)]
    public void FourProducersEveryItemOnceInProducerOrder() => ProduceAndCheck(producers: 4, capacity: 64, new SpinThenParkWaitStrategy(), Items);

    [Test(TimeoutSeconds = Timeout)]
    public void FourProducersOnATinyRingWithABlockingConsumer() =>
        ProduceAndCheck(producers: 4, capacity: 4, new BlockingWaitStrategy(), TestEnvironment.Scale(100_000, 3_000_000)); // parks constantly: slower

    /// <summary>Producers publish in bursts with sleeps between, so the consumer parks and is woken over and over.</summary>
    [Test(TimeoutSeconds = Timeout)]
    public void AParkedConsumerIsWokenByEveryBurst()
    {
        int bursts = TestEnvironment.Scale(300, 5_000);
        const int producers = 2;
        const int burst = 50;
        var ring = new MpscRing<long>(32, new BlockingWaitStrategy());
        using var failed = new CancellationTokenSource();
        var workers = Enumerable.Range(0, producers).Select(p => Worker.Start(() =>
        {
            var random = new Random(p);
            long sequence = 0;
            for (int b = 0; b < bursts; b++)
            {
                for (int i = 0; i < burst; i++)
                {
                    ring.Publish(Item(p, sequence++));
                }
                Thread.Sleep(random.Next(0, 3));
            }
        }, $"burst producer {p}", failed)).ToList();
        ConsumeWhileProducing(ring, producers, (long)producers * bursts * burst, workers, failed);
    }

    /// <summary>Producers await room on a tiny ring; the consumer's frees must wake them without losing one.</summary>
    [Test(TimeoutSeconds = Timeout)]
    public void AsyncProducersOnAFullRingAreAllWoken()
    {
        int perProducer = TestEnvironment.Scale(20_000, 1_000_000);
        const int producers = 6;
        var ring = new MpscRing<long>(4, new SpinThenParkWaitStrategy());
        var tasks = Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
        {
            for (long s = 0; s < perProducer; s++)
            {
                await ring.PublishAsync(Item(p, s));
            }
        })).ToArray();
        using var failed = new CancellationTokenSource();
        _ = Task.WhenAll(tasks).ContinueWith(_ => failed.Cancel(), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        try
        {
            new RingStressChecker(producers, (long)producers * perProducer, RingStressChecker.DefaultStallTimeout).Consume(new ConsumedMpscRing(ring), failed.Token);
        }
        catch (AssertException)
        {
            ring.Complete(); // faults the producers still waiting for room, so none outlives the test
            throw;
        }
        Task.WaitAll(tasks);
    }

    /// <summary>Completion racing with publishers: every publish that reported success is drained, and none after.</summary>
    [Test(TimeoutSeconds = Timeout)]
    public void CompletionRacingWithProducersLosesNoAcceptedItem()
    {
        int rounds = TestEnvironment.Scale(50, 2_000);
        for (int round = 0; round < rounds; round++)
        {
            const int producers = 3;
            var ring = new MpscRing<long>(16, new SpinThenParkWaitStrategy());
            var accepted = new long[producers];
            using var failed = new CancellationTokenSource();
            var workers = Enumerable.Range(0, producers).Select(p => Worker.Start(() =>
            {
                long s = 0;
                while (true)
                {
                    if (ring.TryPublish(Item(p, s)))
                    {
                        s++;
                    }
                    else if (ring.IsCompleted)
                    {
                        break;
                    }
                }
                accepted[p] = s;
            }, $"racing producer {p}", failed)).ToList();
            var stopper = Worker.Start(() =>
            {
                Thread.Sleep(round % 3);
                ring.Complete();
            });
            var received = ConsumeWhileProducing(ring, producers, total: null, workers, failed);
            stopper.Join();
            Assert.SequenceEqual(accepted, received, $"round {round}: items accepted per producer vs items drained");
        }
    }

    private static void ProduceAndCheck(int producers, int capacity, WaitStrategy waitStrategy, long total)
    {
        long perProducer = total / producers;
        var ring = new MpscRing<long>(capacity, waitStrategy);
        using var failed = new CancellationTokenSource();
        var workers = Enumerable.Range(0, producers).Select(p => Worker.Start(() => Produce(ring, p, perProducer), $"producer {p}", failed)).ToList();
        ConsumeWhileProducing(ring, producers, perProducer * producers, workers, failed);
        Assert.True(ring.IsEmpty);
    }

    // Even producers publish one at a time (Publish spins when full); odd ones publish batches of 1 to 8.
    private static void Produce(MpscRing<long> ring, int producer, long count)
    {
        var random = new Random(producer);
        var batch = new long[8];
        long sequence = 0;
        while (sequence < count)
        {
            if (producer % 2 == 0)
            {
                ring.Publish(Item(producer, sequence++));
                continue;
            }
            int n = (int)Math.Min(random.Next(1, Math.Min(batch.Length, ring.Capacity) + 1), count - sequence);
            for (int i = 0; i < n; i++)
            {
                batch[i] = Item(producer, sequence + i);
            }
            var spinner = new SpinWait();
            while (!ring.TryPublishBatch(batch.AsSpan(0, n)))
            {
                if (ring.IsCompleted)
                {
                    return; // the checker failed and stopped the run
                }
                spinner.SpinOnce();
            }
            sequence += n;
        }
    }

    private static long[] ConsumeWhileProducing(MpscRing<long> ring, int producers, long? total, List<Worker> workers, CancellationTokenSource failed) =>
        new RingStressChecker(producers, total, RingStressChecker.DefaultStallTimeout).ConsumeWhileProducing(new ConsumedMpscRing(ring), workers, failed);

    private static long Item(int producer, long sequence) => RingStressChecker.Item(producer, sequence);
}
