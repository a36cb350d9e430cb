using System.Collections.Concurrent;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Threading;

namespace AgentOS.Tests.Threading;

/// <summary>
/// The pinned pool's contract: every accepted item runs exactly once or is counted as dropped, failures are reported,
/// shutdown drains or drops as asked and leaves no thread behind. No assertion depends on timing: waits have generous
/// deadlines that only turn a hang into a failure.
/// </summary>
public sealed class PinnedThreadPoolTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Test]
    public async Task ByDefaultOnePinnedWorkerRunsOnEachAllowedCpu()
    {
        Skip.If(!OperatingSystem.IsLinux(), "not applicable: reads each worker's affinity from /proc (Linux only)");
        var allowed = ProcStatus.ProcessCpusAllowed();
        await using var pool = new PinnedThreadPool();
        Assert.Equal(allowed.Count, pool.Workers.Count);
        for (int i = 0; i < allowed.Count; i++)
        {
            var worker = pool.Workers[i];
            Assert.Equal($"agentos-pool-{i}", worker.Name);
            Assert.Equal(PinStatus.Pinned, worker.PinResult.Status, worker.PinResult.Message);
            Assert.Equal($"agentos-pool-{i}", ProcStatus.ThreadName(worker.OsThreadId));
            Assert.SequenceEqual([allowed[i]], ProcStatus.ThreadCpusAllowed(worker.OsThreadId), $"worker {i}");
        }
    }

    [Test]
    public async Task EveryItemRunsExactlyOnceAcrossWorkersWithConcurrentEnqueuers()
    {
        const int producers = 4;
        int perProducer = TestEnvironment.Scale(20_000, 500_000);
        int total = producers * perProducer;
        var runs = new int[total];
        var ranOn = new long[total];
        await using var pool = new PinnedThreadPool(new PinnedThreadPoolOptions { Name = "exactly-once", WorkerCount = 3 });

        using var go = new ManualResetEventSlim();
        var threads = Enumerable.Range(0, producers).Select(p => new Thread(() =>
        {
            go.Wait();
            for (int i = 0; i < perProducer; i++)
            {
                int id = p * perProducer + i;
                pool.Enqueue(() =>
                {
                    Interlocked.Increment(ref runs[id]);
                    ranOn[id] = OsThread.CurrentId();
                });
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        go.Set();
        threads.ForEach(t => Assert.True(t.Join(Deadline), "a producer did not finish"));

        Assert.Equal(0, await pool.ShutdownAsync(drain: true).WaitAsync(Deadline));
        for (int id = 0; id < total; id++)
        {
            Assert.Equal(1, runs[id], $"item {id} ran {runs[id]} times");
        }
        Assert.Equal(total, pool.CompletedCount);
        Assert.Equal(0, pool.FailedCount);
        // Round-robin gives every worker items, and only workers run them.
        Assert.SequenceEqual(pool.Workers.Select(w => w.OsThreadId).Order(), ranOn.Distinct().Order());
    }

    [Test]
    public async Task APreferredWorkerRunsTheItemAndKeepsItsOrder()
    {
        await using var pool = new PinnedThreadPool(new PinnedThreadPoolOptions { Name = "preferred", WorkerCount = 2 });
        for (int worker = 0; worker < pool.Workers.Count; worker++)
        {
            var order = new List<int>();
            var threadIds = new ConcurrentBag<long>();
            using var done = new ManualResetEventSlim();
            for (int i = 0; i < 1_000; i++)
            {
                int n = i;
                pool.Enqueue(() =>
                {
                    order.Add(n);
                    threadIds.Add(OsThread.CurrentId());
                }, preferredWorker: worker);
            }
            pool.Enqueue(done.Set, preferredWorker: worker);
            Assert.True(done.Wait(Deadline));
            Assert.SequenceEqual(Enumerable.Range(0, 1_000), order, $"worker {worker} ran its inbox out of order");
            Assert.SequenceEqual([pool.Workers[worker].OsThreadId], threadIds.Distinct());
        }
    }

    [Test]
    public async Task AnItemWithItsStateOrAsAnObjectRuns()
    {
        await using var pool = new PinnedThreadPool(new PinnedThreadPoolOptions { Name = "forms", WorkerCount = 1 });
        using var viaState = new ManualResetEventSlim();
        var item = new SignalItem();
        pool.Enqueue(static state => ((ManualResetEventSlim)state!).Set(), viaState);
        pool.Enqueue(item);
        Assert.True(viaState.Wait(Deadline));
        Assert.True(item.Done.Wait(Deadline));
        item.Done.Dispose();
    }

    [Test]
    public async Task APreferredWorkerOutsideThePoolIsRejected()
    {
        await using var pool = new PinnedThreadPool(new PinnedThreadPoolOptions { Name = "range", WorkerCount = 2 });
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Enqueue(() => { }, preferredWorker: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Enqueue(() => { }, preferredWorker: 2));
        Assert.Throws<ArgumentNullException>(() => pool.Enqueue((Action)null!));
    }

    [Test]
    public async Task AThrowingItemIsReportedAndTheWorkerGoesOn()
    {
        await using var pool = new PinnedThreadPool(new PinnedThreadPoolOptions { Name = "failing", WorkerCount = 1 });
        var reports = new ConcurrentQueue<WorkItemFailedEventArgs>();
        pool.WorkItemFailed += (sender, e) =>
        {
            Assert.True(ReferenceEquals(pool, sender));
            reports.Enqueue(e);
        };
        FailThenGoOn(pool, "boom");

        var report = Assert.NotNull(reports.SingleOrDefault());
        Assert.Equal("boom", report.Exception.Message);
        Assert.Equal(0, report.WorkerIndex);
        Assert.Equal("failing-0", report.WorkerName);
        // The worker counts the second item after it returns, which is after it set the event the helper waited on.
        Assert.True(SpinWait.SpinUntil(() => pool.CompletedCount == 1, Deadline), $"completed {pool.CompletedCount}");
    }

    [Test]
    public async Task WithoutAHandlerAFailureGoesToTheFailureLog()
    {
        using var log = new StringWriter();
        await using var pool = new PinnedThreadPool(new PinnedThreadPoolOptions { Name = "unhandled", WorkerCount = 1, FailureLog = TextWriter.Synchronized(log) });
        FailThenGoOn(pool, "nobody listens");
        Assert.Contains("a work item on unhandled-0 of pool 'unhandled' threw", log.ToString());
        Assert.Contains("nobody listens", log.ToString());
    }

    [Test]
    public async Task AThrowingFailureHandlerDoesNotStopTheWorker()
    {
        using var log = new StringWriter();
        await using var pool = new PinnedThreadPool(new PinnedThreadPoolOptions { Name = "bad-handler", WorkerCount = 1, FailureLog = TextWriter.Synchronized(log) });
        pool.WorkItemFailed += (_, _) => throw new InvalidOperationException("handler failed too");
        FailThenGoOn(pool, "boom");
        Assert.Contains("the WorkItemFailed handler of pool 'bad-handler' threw", log.ToString());
        Assert.Contains("boom", log.ToString());
        Assert.Contains("handler failed too", log.ToString());
    }

    [Test]
    public async Task ShutdownWithDrainRunsEverythingQueued()
    {
        using var release = new ManualResetEventSlim();
        var ran = new Counter();
        var pool = QueueBehindABusyWorker("drain", 100, release, ran);
        var shutdown = pool.ShutdownAsync(drain: true);
        Assert.True(pool.IsShutDown);
        Assert.Throws<ObjectDisposedException>(() => pool.Enqueue(() => { }));
        release.Set();

        Assert.Equal(0, await shutdown.WaitAsync(Deadline));
        Assert.Equal(100, ran.Value);
        Assert.Equal(101, pool.CompletedCount);
        Assert.Equal(0, pool.DroppedCount);
        Assert.False(pool.Workers[0].IsAlive);
    }

    [Test]
    public async Task ShutdownWithoutDrainDropsWhatIsQueuedAndReportsTheCount()
    {
        using var release = new ManualResetEventSlim();
        var ran = new Counter();
        var pool = QueueBehindABusyWorker("cancel", 10, release, ran);
        var shutdown = pool.ShutdownAsync(drain: false);
        release.Set();

        Assert.Equal(10, await shutdown.WaitAsync(Deadline));
        Assert.Equal(0, ran.Value);
        Assert.Equal(10, pool.DroppedCount);
        Assert.Equal(1, pool.CompletedCount);
        Assert.Equal(10, await pool.ShutdownAsync(drain: true), "a later call reports the same shutdown");
    }

    [Test]
    public async Task NoThreadIsLeftAfterShutdown()
    {
        Skip.If(!OperatingSystem.IsLinux(), "not applicable: reads /proc/self/task (Linux only)");
        var pool = new PinnedThreadPool(new PinnedThreadPoolOptions { Name = "leak-check", WorkerCount = 3 });
        var workers = pool.Workers.ToList();
        foreach (var worker in workers)
        {
            Assert.True(ProcStatus.ThreadExists(worker.OsThreadId, worker.Name), $"{worker} is not in /proc/self/task");
        }
        await pool.ShutdownAsync(drain: true).WaitAsync(Deadline);
        foreach (var worker in workers)
        {
            Assert.False(worker.IsAlive);
            Assert.True(ProcStatus.WaitUntilThreadGone(worker.OsThreadId, worker.Name, TimeSpan.FromSeconds(10)),
                $"{worker} is still in /proc/self/task after shutdown");
        }
    }

    [Test]
    public async Task DisposeIsIdempotentAndLaterWorkIsRefused()
    {
        var pool = new PinnedThreadPool(new PinnedThreadPoolOptions { Name = "dispose", WorkerCount = 2 });
        pool.Dispose();
        pool.Dispose();
        await pool.DisposeAsync();
        Assert.Equal(0, await pool.ShutdownAsync(drain: true).WaitAsync(Deadline));
        Assert.True(pool.IsShutDown);
        Assert.True(pool.Workers.All(w => !w.IsAlive));
        var refused = Assert.Throws<ObjectDisposedException>(() => pool.Enqueue(() => { }));
        Assert.Contains("would never run", refused.Message);
    }

    [Test]
    public async Task EveryAcceptedItemRunsOrIsCountedWhenShutdownRacesEnqueuers()
    {
        foreach (bool drain in new[] { true, false })
        {
            int rounds = TestEnvironment.Scale(20, 500);
            for (int round = 0; round < rounds; round++)
            {
                var pool = new PinnedThreadPool(new PinnedThreadPoolOptions { Name = "race", WorkerCount = 2 });
                long ran = 0;
                var accepted = new long[2];
                using var go = new ManualResetEventSlim();
                var producers = Enumerable.Range(0, 2).Select(p => new Thread(() =>
                {
                    go.Wait();
                    try
                    {
                        while (true)
                        {
                            pool.Enqueue(() => Interlocked.Increment(ref ran));
                            Volatile.Write(ref accepted[p], accepted[p] + 1);
                        }
                    }
                    catch (ObjectDisposedException)
                    {
                        // Refused: shutdown has begun. Everything accepted before must be accounted for.
                    }
                })).ToList();
                producers.ForEach(t => t.Start());
                go.Set();
                // Shut down while both producers are mid-stream, so the race is real.
                Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref accepted[0]) > 0 && Volatile.Read(ref accepted[1]) > 0, Deadline));
                int dropped = await pool.ShutdownAsync(drain).WaitAsync(Deadline);
                producers.ForEach(t => Assert.True(t.Join(Deadline)));

                long total = accepted.Sum();
                Assert.Equal(total, Interlocked.Read(ref ran) + dropped, $"drain={drain}, round {round}: ran {ran} + dropped {dropped} != accepted {total}");
                if (drain)
                {
                    Assert.Equal(0, dropped);
                }
            }
        }
    }

    [Test]
    public async Task ShutdownFromAWorkItemCompletes()
    {
        var pool = new PinnedThreadPool(new PinnedThreadPoolOptions { Name = "self-stop", WorkerCount = 2 });
        var fromWorker = new TaskCompletionSource<Task<int>>(TaskCreationOptions.RunContinuationsAsynchronously);
        int ran = 0;
        pool.Enqueue(() => fromWorker.SetResult(pool.ShutdownAsync(drain: true)), preferredWorker: 0);
        var shutdown = await fromWorker.Task.WaitAsync(Deadline);
        Assert.Equal(0, await shutdown.WaitAsync(Deadline));
        Assert.True(pool.Workers.All(w => !w.IsAlive));
        Assert.Throws<ObjectDisposedException>(() => pool.Enqueue(() => ran++));

        var disposing = new PinnedThreadPool(new PinnedThreadPoolOptions { Name = "self-dispose", WorkerCount = 1 });
        using var disposed = new ManualResetEventSlim();
        disposing.Enqueue(() =>
        {
            disposing.Dispose();
            disposed.Set();
        });
        Assert.True(disposed.Wait(Deadline), "Dispose from a work item did not return");
        Assert.True(disposing.Workers[0].Join(Deadline));
    }

    [Test]
    public void DisposeFromTwoWorkersAtOnceDoesNotDeadlock()
    {
        var pool = new PinnedThreadPool(new PinnedThreadPoolOptions { Name = "mutual", WorkerCount = 2 });
        using var bothThere = new Barrier(2);
        using var done = new CountdownEvent(2);
        for (int worker = 0; worker < 2; worker++)
        {
            pool.Enqueue(() =>
            {
                bothThere.SignalAndWait();
                pool.Dispose();
                done.Signal();
            }, preferredWorker: worker);
        }
        Assert.True(done.Wait(Deadline), "workers disposing at the same time waited for each other");
        pool.Dispose();
        Assert.True(pool.Workers.All(w => !w.IsAlive));
    }

    [Test]
    public async Task AnAlreadyCancelledTokenReturnsACancelledTaskAndLeavesThePoolRunning()
    {
        await using var pool = new PinnedThreadPool(new PinnedThreadPoolOptions { Name = "cancelled", WorkerCount = 1 });
        var shutdown = pool.ShutdownAsync(drain: true, new CancellationToken(canceled: true));
        Assert.True(shutdown.IsCanceled);
        Assert.False(pool.IsShutDown);
        using var ran = new ManualResetEventSlim();
        pool.Enqueue(ran.Set);
        Assert.True(ran.Wait(Deadline));
    }

    [Test]
    public void RequiredPinningOutsideTheAllowedSetThrowsNamingTheSet()
    {
        Skip.If(!OperatingSystem.IsLinux(), "not applicable: compares with /proc/self/status (Linux only)");
        int outside = ProcStatus.ProcessCpusAllowed()[^1] + 1;
        var ex = Assert.Throws<AffinityException>(() => Create(
            new PinnedThreadPoolOptions { Name = "must-pin", Cpus = [outside], RequirePinning = true }));
        Assert.Equal(PinStatus.OutsideAllowedSet, ex.Result?.Status);
        Assert.Contains(ProcStatus.ProcessCpusAllowedText(), ex.Message);
    }

    [Test]
    public async Task WithoutRequiredPinningAFailedPinLeavesTheWorkerRunningUnpinned()
    {
        Skip.If(!CpuAffinity.IsSupported, "not applicable: this OS cannot pin threads");
        int outside = CpuAffinity.AllowedCpus()[^1] + 1;
        await using var pool = new PinnedThreadPool(new PinnedThreadPoolOptions { Name = "may-pin", Cpus = [outside] });
        Assert.Equal(PinStatus.OutsideAllowedSet, pool.Workers[0].PinResult.Status);
        using var ran = new ManualResetEventSlim();
        pool.Enqueue(ran.Set);
        Assert.True(ran.Wait(Deadline));
    }

    [Test]
    public async Task UnpinnedWorkersMayRunOnEveryAllowedCpu()
    {
        Skip.If(!OperatingSystem.IsLinux(), "not applicable: reads /proc (Linux only)");
        await using var pool = new PinnedThreadPool(new PinnedThreadPoolOptions { Name = "free", WorkerCount = 2, Pin = false });
        foreach (var worker in pool.Workers)
        {
            Assert.Null(worker.Cpu);
            Assert.SequenceEqual(ProcStatus.ProcessCpusAllowed(), ProcStatus.ThreadCpusAllowed(worker.OsThreadId));
        }
    }

    [Test]
    public void InconsistentOptionsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => Create(new PinnedThreadPoolOptions { Name = "" }));
        Assert.Throws<ArgumentException>(() => Create(new PinnedThreadPoolOptions { WorkerCount = 0 }));
        Assert.Throws<ArgumentException>(() => Create(new PinnedThreadPoolOptions { Cpus = [] }));
        Assert.Throws<ArgumentException>(() => Create(new PinnedThreadPoolOptions { Pin = false, RequirePinning = true }));
    }

    // Enqueues an item that throws, then one that must still run on the same worker; the failure is counted.
    private static void FailThenGoOn(PinnedThreadPool pool, string message)
    {
        using var after = new ManualResetEventSlim();
        pool.Enqueue(() => throw new InvalidOperationException(message), preferredWorker: 0);
        pool.Enqueue(after.Set, preferredWorker: 0);
        Assert.True(after.Wait(Deadline), "the worker stopped after a failing item");
        Assert.Equal(1, pool.FailedCount);
    }

    // A one-worker pool whose worker is busy with an item that waits for release, with counting items queued behind it.
    private static PinnedThreadPool QueueBehindABusyWorker(string name, int queued, ManualResetEventSlim release, Counter ran)
    {
        var pool = new PinnedThreadPool(new PinnedThreadPoolOptions { Name = name, WorkerCount = 1 });
        using var started = new ManualResetEventSlim();
        pool.Enqueue(() =>
        {
            started.Set();
            release.Wait();
        });
        Assert.True(started.Wait(Deadline));
        for (int i = 0; i < queued; i++)
        {
            pool.Enqueue(() => Interlocked.Increment(ref ran.Value));
        }
        return pool;
    }

    // For constructors expected to throw; a pool that wrongly comes up is shut down at once.
    private static void Create(PinnedThreadPoolOptions options)
    {
        using var pool = new PinnedThreadPool(options);
    }

    private sealed class Counter
    {
        public int Value;
    }

    private sealed class SignalItem : IPinnedWorkItem
    {
        public ManualResetEventSlim Done { get; } = new();

        public void Execute() => Done.Set();
    }
}
