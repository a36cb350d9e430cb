using AgentOS.Queues;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Queues;

/// <summary>
/// The contract every wait strategy keeps: return once the condition holds, whoever made it true (a ring, or any
/// other source that calls <see cref="WaitStrategy.Wake"/>), and honour cancellation. No timing is asserted; a lost
/// wake-up shows as a hang that the test timeout turns into a failure.
/// </summary>
public abstract class WaitStrategyContractTests
{
    protected abstract WaitStrategy Create();

    [Test]
    public void ReturnsAtOnceWhenTheConditionAlreadyHolds()
    {
        int calls = 0;
        Create().WaitUntil(() => ++calls > 0);
        Assert.Equal(1, calls);
    }

    [Test]
    public void ANullConditionIsRejected() =>
        Assert.Throws<ArgumentNullException>(() => Create().WaitUntil(null!));

    [Test]
    public void AnAlreadyCancelledTokenThrows() =>
        Assert.Throws<OperationCanceledException>(() => Create().WaitUntil(() => false, new CancellationToken(canceled: true)));

    [Test]
    public void CancellationEndsAWait()
    {
        var strategy = Create();
        using var cancellation = new CancellationTokenSource();
        var canceller = Worker.Start(() =>
        {
            Thread.Sleep(20);
            cancellation.Cancel();
        });
        Assert.Throws<OperationCanceledException>(() => strategy.WaitUntil(() => false, cancellation.Token));
        canceller.Join();
    }

    /// <summary>A source that is not a ring (a timer, a freed execution slot) sets its flag and calls Wake.</summary>
    [Test]
    public void AWakeFromANonRingSourceEndsTheWait()
    {
        var strategy = Create();
        var ring = new MpscRing<long>(4, strategy);
        int timerFired = 0;
        using var timer = new Timer(_ =>
        {
            Volatile.Write(ref timerFired, 1);
            strategy.Wake();
        }, null, dueTime: 20, period: Timeout.Infinite);
        Func<bool> ready = () => !ring.IsEmpty || Volatile.Read(ref timerFired) != 0;
        strategy.WaitUntil(ready);
        Assert.Equal(1, Volatile.Read(ref timerFired));
        Assert.True(ring.IsEmpty);
    }

    /// <summary>One strategy serves two rings and a flag: a dispatcher's shape. Each source wakes it in turn.</summary>
    [Test(TimeoutSeconds = 300)]
    public void ASharedStrategyIsWokenByEachOfItsSources()
    {
        int rounds = TestEnvironment.Scale(3_000, 300_000);
        var strategy = Create();
        var inbox = new MpscRing<long>(8, strategy);
        var side = new SpscRing<long>(8, strategy);
        int flag = 0;
        int acknowledged = -1;
        var ack = new BlockingWaitStrategy();
        Func<bool> acked = () => Volatile.Read(ref acknowledged) >= 0;
        using var failed = new CancellationTokenSource();
        var sources = Worker.Start(() =>
        {
            for (int round = 0; round < rounds; round++)
            {
                switch (round % 3)
                {
                    case 0:
                        inbox.Publish(round);
                        break;
                    case 1:
                        Assert.True(side.TryWrite(round));
                        break;
                    default:
                        Volatile.Write(ref flag, round);
                        strategy.Wake();
                        break;
                }
                while (!acked())
                {
                    ack.WaitUntil(acked, failed.Token);
                }
                Volatile.Write(ref acknowledged, -1);
            }
        }, "sources", failed);

        Func<bool> ready = () => !inbox.IsEmpty || !side.IsEmpty || Volatile.Read(ref flag) != 0;
        for (int round = 0; round < rounds; round++)
        {
            try
            {
                strategy.WaitUntil(ready, failed.Token);
            }
            catch (OperationCanceledException)
            {
                sources.Join();
                throw;
            }
            long seen;
            if (inbox.TryTake(out long fromInbox))
            {
                seen = fromInbox;
            }
            else if (side.TryRead(out long fromSide))
            {
                seen = fromSide;
            }
            else if (Interlocked.Exchange(ref flag, 0) is int fromFlag and not 0)
            {
                seen = fromFlag;
            }
            else
            {
                round--; // a parking strategy may return on a wake without a condition change: wait again
                continue;
            }
            Assert.Equal(round, (int)seen, "the source that woke the consumer");
            Volatile.Write(ref acknowledged, round);
            ack.Wake();
        }
        sources.Join();
    }
}
