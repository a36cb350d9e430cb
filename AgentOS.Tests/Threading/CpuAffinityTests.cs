using System.Runtime.Versioning;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Threading;

namespace AgentOS.Tests.Threading;

/// <summary>
/// CPU affinity checked against the kernel: every affinity the wrapper sets is read back from
/// <c>/proc/self/task/&lt;tid&gt;/status</c> and parsed by <see cref="ProcStatus"/>, not by the wrapper. Pins happen only
/// on threads the tests start, never on the test's own thread.
/// </summary>
public sealed class CpuAffinityTests
{
    private const string LinuxOnly = "not applicable: reads the kernel's view from /proc (Linux only)";

    [Test]
    public void IsSupportedOnLinuxAndWindowsOnly() =>
        Assert.Equal(OperatingSystem.IsLinux() || OperatingSystem.IsWindows(), CpuAffinity.IsSupported);

    [Test]
    public void AllowedCpusAgreesWithProcSelfStatus()
    {
        Skip.If(!OperatingSystem.IsLinux(), LinuxOnly);
        Assert.SequenceEqual(ProcStatus.ProcessCpusAllowed(), CpuAffinity.AllowedCpus());
    }

    [Test]
    public void PinnedThreadRunsOnExactlyTheRequestedCpuForEveryAllowedCpu()
    {
        Skip.If(!OperatingSystem.IsLinux(), LinuxOnly);
        foreach (int cpu in ProcStatus.ProcessCpusAllowed())
        {
            var (thread, seenFromInside) = OnThread(cpu, _ => CpuAffinity.ReadCurrentThreadAffinity());
            Assert.Equal(PinStatus.Pinned, thread.PinResult.Status, thread.PinResult.Message);
            Assert.True(thread.IsPinned);
            Assert.SequenceEqual([cpu], seenFromInside, $"the wrapper's read-back on CPU {cpu}");
        }
    }

    [Test]
    public void ProcShowsThePinWhileThePinnedThreadRuns()
    {
        Skip.If(!OperatingSystem.IsLinux(), LinuxOnly);
        foreach (int cpu in ProcStatus.ProcessCpusAllowed())
        {
            using var release = new ManualResetEventSlim();
            var thread = PinnedThread.Start($"pin-{cpu}", cpu, _ => release.Wait());
            try
            {
                Assert.SequenceEqual([cpu], ProcStatus.ThreadCpusAllowed(thread.OsThreadId), $"/proc/self/task/{thread.OsThreadId}/status for CPU {cpu}");
                Assert.Equal($"pin-{cpu}", ProcStatus.ThreadName(thread.OsThreadId));
            }
            finally
            {
                release.Set();
                Assert.True(thread.Join(TimeSpan.FromSeconds(30)), "the pinned thread did not finish");
            }
        }
    }

    [Test]
    public void PinningOutsideTheAllowedSetFailsNamingTheSetAndLeavesAffinityUnchanged()
    {
        Skip.If(!OperatingSystem.IsLinux(), LinuxOnly);
        var allowed = ProcStatus.ProcessCpusAllowed();
        string allowedText = ProcStatus.ProcessCpusAllowedText();
        int first = allowed[0];
        foreach (int outside in OutsideCpus(allowed))
        {
            var (thread, after) = OnThread(first, _ =>
            {
                var result = CpuAffinity.TryPinCurrentThread(outside);
                return (result, proc: ProcStatus.ThreadCpusAllowed(Tid()));
            });
            Assert.True(thread.IsPinned, thread.PinResult.Message);
            Assert.Equal(PinStatus.OutsideAllowedSet, after.result.Status, after.result.Message);
            Assert.False(after.result.Succeeded);
            Assert.Equal(outside, after.result.Cpu);
            Assert.Contains($"CPU {outside} is outside", after.result.Message);
            Assert.Contains(allowedText, after.result.Message);
            Assert.SequenceEqual(allowed, after.result.AllowedCpus);
            Assert.SequenceEqual([first], after.proc, $"affinity after the refused pin to CPU {outside}");
        }
    }

    [Test]
    public void PinCurrentThreadThrowsAffinityExceptionNamingTheSet()
    {
        Skip.If(!OperatingSystem.IsLinux(), LinuxOnly);
        var allowed = ProcStatus.ProcessCpusAllowed();
        int outside = allowed[^1] + 1;
        var (_, outcome) = OnThread(null, _ =>
        {
            var ex = Assert.Throws<AffinityException>(() => CpuAffinity.PinCurrentThread(outside));
            return (ex, proc: ProcStatus.ThreadCpusAllowed(Tid()));
        });
        Assert.Equal(PinStatus.OutsideAllowedSet, Assert.NotNull(outcome.ex.Result).Status);
        Assert.Contains(ProcStatus.ProcessCpusAllowedText(), outcome.ex.Message);
        Assert.SequenceEqual(allowed, outcome.proc);
    }

    [Test]
    public void PinCurrentThreadPinsWithinTheAllowedSet()
    {
        Skip.If(!OperatingSystem.IsLinux(), LinuxOnly);
        int last = ProcStatus.ProcessCpusAllowed()[^1];
        var (_, proc) = OnThread(null, _ =>
        {
            CpuAffinity.PinCurrentThread(last);
            return ProcStatus.ThreadCpusAllowed(Tid());
        });
        Assert.SequenceEqual([last], proc);
    }

    [Test]
    public void UnpinRestoresTheWholeAllowedSet()
    {
        Skip.If(!OperatingSystem.IsLinux(), LinuxOnly);
        var allowed = ProcStatus.ProcessCpusAllowed();
        var (_, outcome) = OnThread(allowed[0], _ =>
        {
            var result = CpuAffinity.TryUnpinCurrentThread();
            return (result, proc: ProcStatus.ThreadCpusAllowed(Tid()), read: CpuAffinity.ReadCurrentThreadAffinity());
        });
        Assert.Equal(PinStatus.Unpinned, outcome.result.Status, outcome.result.Message);
        Assert.Null(outcome.result.Cpu);
        Assert.SequenceEqual(allowed, outcome.proc);
        Assert.SequenceEqual(allowed, outcome.read);
    }

    [Test]
    public void UnpinnedThreadDoesNotInheritItsCreatorsPin()
    {
        Skip.If(!OperatingSystem.IsLinux(), LinuxOnly);
        var allowed = ProcStatus.ProcessCpusAllowed();
        var (_, child) = OnThread(allowed[^1], _ => OnThread(null, self => ProcStatus.ThreadCpusAllowed(self.OsThreadId)));
        Assert.Equal(PinStatus.Unpinned, child.thread.PinResult.Status, child.thread.PinResult.Message);
        Assert.SequenceEqual(allowed, child.result);
    }

    [Test]
    public void AllowedCpusStaysTheProcessSetOnAPinnedThread()
    {
        Skip.If(!OperatingSystem.IsLinux(), LinuxOnly);
        var allowed = ProcStatus.ProcessCpusAllowed();
        var (_, seen) = OnThread(allowed[0], _ => CpuAffinity.AllowedCpus());
        Assert.SequenceEqual(allowed, seen);
    }

    [Test]
    [SupportedOSPlatform("linux")]
    public void ReadingWithAMaskNarrowerThanTheKernelsRetriesUntilItFits()
    {
        Skip.If(!OperatingSystem.IsLinux(), LinuxOnly);
        // 4 bytes is not a whole word, 1 byte is neither a word nor wide enough: the kernel answers EINVAL to both
        // and the reader must grow its buffer.
        foreach (int initialBytes in new[] { 1, 4 })
        {
            Assert.Equal(0, CpuAffinity.LinuxTryReadAffinity(0, initialBytes, out var cpus));
            Assert.SequenceEqual(ProcStatus.ProcessCpusAllowed(), cpus, $"starting at {initialBytes} bytes");
        }
    }

    [Test]
    public void PinningIsReportedAsNotSupportedWhereTheOsHasNoPin()
    {
        Skip.If(CpuAffinity.IsSupported, "not applicable: this OS supports pinning (the NotSupported path is for macOS and others)");
        var result = CpuAffinity.TryPinCurrentThread(CpuAffinity.AllowedCpus()[0]);
        Assert.Equal(PinStatus.NotSupported, result.Status);
        Assert.Contains("not supported", result.Message);
        Assert.Equal(PinStatus.NotSupported, Assert.Throws<AffinityException>(() => CpuAffinity.PinCurrentThread(0)).Result?.Status);
    }

    [Test]
    public void CpuListFormatsRangesTheWayTheKernelDoes()
    {
        foreach (var text in new[] { "0", "0-1", "0-1,3", "0,2,4-7,63-65,1023" })
        {
            Assert.Equal(text, CpuList.Format(ProcStatus.ParseCpuList(text)));
        }
        Assert.Equal("(none)", CpuList.Format([]));
    }

    [Test]
    public void MasksAreReadAtFullWidthBeyondSixtyFourCpus()
    {
        var mask = new ulong[16];
        mask[0] = 0b101;
        mask[1] = 1UL << 63;
        mask[15] = 1UL << 63;
        Assert.SequenceEqual([0, 2, 127, 1023], CpuList.FromMask(mask));
        Assert.SequenceEqual([64, 66], CpuList.FromMask([0b101], firstCpu: 64));
    }

    [Test]
    public void WindowsCpuNumbersSplitIntoGroupMasks()
    {
        // The Windows code cannot run here; its numbering (group * 64 + index) is pure and checked on every OS.
        int[] cpus = [0, 1, 64, 65, 130];
        Assert.Equal((nuint)0b11, CpuAffinity.GroupMask(cpus, 0));
        Assert.Equal((nuint)0b11, CpuAffinity.GroupMask(cpus, 1));
        Assert.Equal((nuint)0b100, CpuAffinity.GroupMask(cpus, 2));
        Assert.Equal((nuint)0, CpuAffinity.GroupMask(cpus, 3));
        Assert.SequenceEqual([64, 65], CpuList.FromMask([(ulong)CpuAffinity.GroupMask(cpus, 1)], firstCpu: 64));
    }

    private static long Tid() => OsThread.CurrentId();

    // CPUs a pin must refuse: just past the allowed set, far past any mask width, a hole inside the set if it has
    // one, and a negative number.
    private static List<int> OutsideCpus(IReadOnlyList<int> allowed)
    {
        var outside = new List<int> { allowed[^1] + 1, 1 << 20, -1 };
        for (int cpu = allowed[0]; cpu < allowed[^1]; cpu++)
        {
            if (!allowed.Contains(cpu))
            {
                outside.Add(cpu);
                break;
            }
        }
        return outside;
    }

    // Runs body on a fresh PinnedThread and returns what it returned; exceptions (assertion failures) come back here.
    internal static (PinnedThread thread, T result) OnThread<T>(int? cpu, Func<PinnedThread, T> body)
    {
        T result = default!;
        Exception? failure = null;
        var thread = PinnedThread.Start("affinity-test", cpu, self =>
        {
            try
            {
                result = body(self);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        });
        Assert.True(thread.Join(TimeSpan.FromSeconds(30)), "the test thread did not finish");
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
        return (thread, result);
    }
}
