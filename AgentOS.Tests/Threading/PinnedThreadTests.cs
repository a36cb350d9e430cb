using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Threading;

namespace AgentOS.Tests.Threading;

public sealed class PinnedThreadTests
{
    [Test]
    public void StartReturnsWithTheAffinityAndOsThreadIdAlreadySet()
    {
        using var release = new ManualResetEventSlim();
        int cpu = CpuAffinity.AllowedCpus()[0];
        PinnedThread? seenByBody = null;
        var thread = PinnedThread.Start("pinned-start", cpu, self =>
        {
            seenByBody = self;
            release.Wait();
        });
        try
        {
            Assert.Equal("pinned-start", thread.Name);
            Assert.Equal(cpu, thread.Cpu);
            Assert.NotNull(thread.PinResult);
            Assert.Equal(CpuAffinity.IsSupported, thread.IsPinned, thread.PinResult.Message);
            Assert.True(thread.IsAlive);
            Assert.False(thread.IsCurrentThread);
            if (OperatingSystem.IsLinux() || OperatingSystem.IsWindows())
            {
                Assert.True(thread.OsThreadId > 0, $"OS thread id {thread.OsThreadId}");
            }
        }
        finally
        {
            release.Set();
            Assert.True(thread.Join(TimeSpan.FromSeconds(30)));
        }
        Assert.True(ReferenceEquals(thread, seenByBody), "the body receives its own PinnedThread");
    }

    [Test]
    public void BackgroundIsConfigurable()
    {
        var foreground = PinnedThread.Start("pinned-fg", null, _ => { }, isBackground: false);
        var background = PinnedThread.Start("pinned-bg", null, _ => { });
        Assert.False(foreground.IsBackground);
        Assert.True(background.IsBackground);
        Assert.True(foreground.Join(TimeSpan.FromSeconds(30)));
        Assert.True(background.Join(TimeSpan.FromSeconds(30)));
    }

    [Test]
    public void JoinWithATimeoutSaysWhetherTheThreadFinished()
    {
        using var release = new ManualResetEventSlim();
        var thread = PinnedThread.Start("pinned-join", null, _ => release.Wait());
        Assert.False(thread.Join(TimeSpan.Zero), "the body is still blocked, so the thread cannot have finished");
        release.Set();
        Assert.True(thread.Join(TimeSpan.FromSeconds(30)));
        Assert.False(thread.IsAlive);
    }

    [Test]
    public void TheThreadIsNamedInProcAndGoneAfterJoin()
    {
        Skip.If(!OperatingSystem.IsLinux(), "not applicable: reads /proc/self/task (Linux only)");
        using var release = new ManualResetEventSlim();
        var thread = PinnedThread.Start("pinned-proc", null, _ => release.Wait());
        Assert.Equal("pinned-proc", ProcStatus.ThreadName(thread.OsThreadId));
        Assert.SequenceEqual(ProcStatus.ProcessCpusAllowed(), ProcStatus.ThreadCpusAllowed(thread.OsThreadId));
        release.Set();
        thread.Join();
        Assert.True(ProcStatus.WaitUntilThreadGone(thread.OsThreadId, thread.Name, TimeSpan.FromSeconds(10)),
            $"thread {thread.OsThreadId} is still in /proc/self/task after Join");
    }

    [Test]
    public void StartRejectsAMissingNameOrBody()
    {
        Assert.Throws<ArgumentException>(() => PinnedThread.Start("", null, _ => { }));
        Assert.Throws<ArgumentNullException>(() => PinnedThread.Start("pinned-nobody", null, null!));
    }

    [Test]
    public void APinOutsideTheAllowedSetIsRecordedAndTheBodyStillRuns()
    {
        Skip.If(!CpuAffinity.IsSupported, "not applicable: this OS cannot pin threads");
        int outside = CpuAffinity.AllowedCpus()[^1] + 1;
        bool ran = false;
        var thread = PinnedThread.Start("pinned-outside", outside, _ => ran = true);
        Assert.True(thread.Join(TimeSpan.FromSeconds(30)));
        Assert.True(ran);
        Assert.False(thread.IsPinned);
        Assert.Equal(PinStatus.OutsideAllowedSet, thread.PinResult.Status);
    }
}
