using System.Collections.Concurrent;
using AgentOS.Kernel;
using AgentOS.Llm;
using AgentOS.Syscalls;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Time;

namespace AgentOS.Tests.Kernel;

/// <summary>
/// A syscall event's time is the envelope's own timestamp of that transition, read as wall-clock time: exactly the
/// kernel clock's time at submission, dispatch and completion, in order, across a move of the clock past the publisher's
/// anchor; and publishing events adds no wall-clock reading per syscall (the hot path's clock reads are the router's).
/// </summary>
public sealed class SyscallEventTimeTests
{
    [Test(TimeoutSeconds = 60)]
    public async Task EventTimesAreTheEnvelopesTimestamps()
    {
        using var data = new TempDirectory("agentos-event-times");
        var time = new ManualTimeProvider();
        var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = data.Path, TimeProvider = time, LlmBackends = [new EchoLlmBackend(TimeSpan.FromSeconds(10), time)] });
        try
        {
            await TimesAsync(kernel, time);
        }
        finally
        {
            await kernel.StopAsync(drain: false); // a syscall left waiting on the manual clock must not hold the stop
        }
    }

    private static async Task TimesAsync(AgentKernel kernel, ManualTimeProvider time)
    {
        kernel.RegisterIdentity("alice");
        var seen = new ConcurrentQueue<SyscallEvent>();
        var subscription = kernel.Events.Subscribe<SyscallEvent>(seen.Enqueue);

        // Submitted and dispatched at +3 s (past the anchor taken at start), completed 10 s later.
        time.Advance(TimeSpan.FromSeconds(3));
        var first = kernel.Port.SubmitAsync(new SyscallRequest { AgentId = "alice", Llm = TestQueries.Hello }).AsTask();
        Assert.True(SpinWait.SpinUntil(() => kernel.Status.Queues["llm"].Admitted == 1 && kernel.IsQuiescent, TimeSpan.FromSeconds(10)), "the first syscall runs");
        time.Advance(TimeSpan.FromSeconds(10));
        long id = (await first.WaitAsync(TimeSpan.FromSeconds(10))).SyscallId;
        // A second one 5 s later: past the anchor again, so it is renewed; the times stay exact.
        time.Advance(TimeSpan.FromSeconds(5));
        var second = kernel.Port.SubmitAsync(new SyscallRequest { AgentId = "alice", Llm = TestQueries.Hello }).AsTask();
        Assert.True(SpinWait.SpinUntil(() => kernel.Status.Queues["llm"].Admitted == 2 && kernel.IsQuiescent, TimeSpan.FromSeconds(10)), "the second syscall runs");
        time.Advance(TimeSpan.FromSeconds(10));
        long id2 = (await second.WaitAsync(TimeSpan.FromSeconds(10))).SyscallId;
        await subscription.DisposeAsync();

        var start = ManualTimeProvider.DefaultStart;
        Assert.SequenceEqual(
            [(SyscallStage.Submitted, start.AddSeconds(3)), (SyscallStage.Dispatched, start.AddSeconds(3)), (SyscallStage.Completed, start.AddSeconds(13))],
            seen.Where(e => e.SyscallId == id).Select(e => (e.Stage, e.At)));
        var later = start.AddSeconds(18);
        Assert.SequenceEqual(
            [(SyscallStage.Submitted, later), (SyscallStage.Dispatched, later), (SyscallStage.Completed, later.AddSeconds(10))],
            seen.Where(e => e.SyscallId == id2).Select(e => (e.Stage, e.At)));
    }

    [Test(TimeoutSeconds = 60)]
    public async Task PublishingEventsReadsNoWallClockPerSyscall()
    {
        using var data = new TempDirectory("agentos-event-clock");
        var time = new CountingClock();
        await using var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = data.Path, TimeProvider = time, LlmBackends = [new EchoLlmBackend(time: time)] });
        kernel.RegisterIdentity("alice");

        // The same 50 syscalls without and with a subscriber: whatever else reads the wall clock reads it in both.
        long withoutEvents = await WallClockReadsAsync(kernel, time);
        var seen = new ConcurrentQueue<SyscallEvent>();
        var subscription = kernel.Events.Subscribe<SyscallEvent>(seen.Enqueue);
        long withEvents = await WallClockReadsAsync(kernel, time);
        await subscription.DisposeAsync();

        Assert.Equal(150, seen.Count, "three events per syscall");
        Assert.True(withEvents - withoutEvents <= 1, $"events added {withEvents - withoutEvents} wall-clock reads for 50 syscalls (at most one anchor renewal)");
    }

    private static async Task<long> WallClockReadsAsync(AgentKernel kernel, CountingClock time)
    {
        long before = time.WallClockReads;
        for (int i = 0; i < 50; i++)
        {
            await kernel.Port.SubmitAsync(new SyscallRequest { AgentId = "alice", Llm = TestQueries.Hello });
        }
        return time.WallClockReads - before;
    }

    /// <summary>A manual clock that counts its wall-clock readings.</summary>
    private sealed class CountingClock : TimeProvider
    {
        private readonly ManualTimeProvider _inner = new();
        private long _reads;

        public long WallClockReads => Interlocked.Read(ref _reads);

        public override DateTimeOffset GetUtcNow()
        {
            Interlocked.Increment(ref _reads);
            return _inner.GetUtcNow();
        }

        public override long GetTimestamp() => _inner.GetTimestamp();

        public override long TimestampFrequency => _inner.TimestampFrequency;

        public override TimeZoneInfo LocalTimeZone => _inner.LocalTimeZone;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => _inner.CreateTimer(callback, state, dueTime, period);
    }
}
