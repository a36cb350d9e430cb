using AgentOS.Queues;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Queues;

/// <summary>What the parking strategies add to the contract: a parked waiter returns on a bare Wake, and several
/// waiters may share one strategy.</summary>
public abstract class ParkingWaitStrategyContractTests : WaitStrategyContractTests
{
    [Test]
    public void AWakeReleasesAParkedWaiterEvenIfTheConditionStaysFalse()
    {
        var strategy = Create();
        using var returned = new ManualResetEventSlim();
        var waiter = Worker.Start(() =>
        {
            strategy.WaitUntil(() => false);
            returned.Set();
        });
        // The waiter may not have parked yet when a wake arrives (that wake then finds nobody to release), so keep
        // waking until it returns; the test timeout catches a waiter that never does.
        while (!returned.Wait(5))
        {
            strategy.Wake();
        }
        waiter.Join();
    }

    [Test]
    public void EveryParkedWaiterOfASharedStrategyWakes()
    {
        var strategy = Create();
        int go = 0;
        Func<bool> ready = () => Volatile.Read(ref go) != 0;
        var waiters = Enumerable.Range(0, 3).Select(i => Worker.Start(() => strategy.WaitUntil(ready), $"waiter {i}")).ToList();
        Thread.Sleep(20); // lets the waiters park first (not required for correctness either way)
        Volatile.Write(ref go, 1);
        strategy.Wake();
        Worker.JoinAll(waiters);
    }

    /// <summary>Ping-pong: each round the waiter parks (no spin window can hide a lost wake-up for long), the other
    /// thread sets the condition and wakes it.</summary>
    [Test(TimeoutSeconds = 300)]
    public void ManyParkAndWakeRoundsLoseNoWakeUp()
    {
        int rounds = TestEnvironment.Scale(5_000, 500_000);
        var strategy = Create();
        var back = new BlockingWaitStrategy();
        int posted = 0;
        int seen = 0;
        Func<bool> isPosted = () => Volatile.Read(ref posted) > Volatile.Read(ref seen);
        Func<bool> isSeen = () => Volatile.Read(ref seen) == Volatile.Read(ref posted);
        using var failed = new CancellationTokenSource();
        var poster = Worker.Start(() =>
        {
            for (int i = 0; i < rounds; i++)
            {
                back.WaitUntil(isSeen, failed.Token);
                if (!isSeen())
                {
                    i--;
                    continue;
                }
                Interlocked.Increment(ref posted);
                strategy.Wake();
            }
        }, "poster", failed);
        while (Volatile.Read(ref seen) < rounds)
        {
            strategy.WaitUntil(isPosted, failed.Token);
            if (isPosted())
            {
                Interlocked.Increment(ref seen);
                back.Wake();
            }
        }
        poster.Join();
    }
}
