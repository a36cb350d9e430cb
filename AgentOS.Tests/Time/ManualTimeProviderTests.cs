using AgentOS.Tests.Framework;
using AgentOS.Time;

namespace AgentOS.Tests.Time;

public sealed class ManualTimeProviderTests
{
    [Test]
    public void ClockMovesOnlyWhenAdvanced()
    {
        var time = new ManualTimeProvider();
        var start = time.GetUtcNow();
        long ts = time.GetTimestamp();
        Assert.Equal(ManualTimeProvider.DefaultStart, start);
        time.Advance(TimeSpan.FromSeconds(90));
        Assert.Equal(start + TimeSpan.FromSeconds(90), time.GetUtcNow());
        Assert.Equal(TimeSpan.FromSeconds(90), time.GetElapsedTime(ts));
        Assert.Throws<ArgumentOutOfRangeException>(() => time.Advance(TimeSpan.FromTicks(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => time.AdvanceTo(start));
    }

    [Test]
    public void TimersFireInDueOrderThenInSchedulingOrder()
    {
        var time = new ManualTimeProvider();
        var fired = new List<string>();
        using var c = time.CreateTimer(_ => fired.Add($"c@{time.Elapsed.TotalSeconds}"), null, TimeSpan.FromSeconds(3), Timeout.InfiniteTimeSpan);
        using var a = time.CreateTimer(_ => fired.Add($"a@{time.Elapsed.TotalSeconds}"), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        using var b1 = time.CreateTimer(_ => fired.Add($"b1@{time.Elapsed.TotalSeconds}"), null, TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);
        using var b2 = time.CreateTimer(_ => fired.Add($"b2@{time.Elapsed.TotalSeconds}"), null, TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);

        time.Advance(TimeSpan.FromSeconds(2.5));
        Assert.SequenceEqual(["a@1", "b1@2", "b2@2"], fired);
        Assert.Equal(TimeSpan.FromSeconds(2.5), time.Elapsed);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.SequenceEqual(["a@1", "b1@2", "b2@2", "c@3"], fired);
        Assert.Equal(0, time.ActiveTimerCount);
    }

    [Test]
    public void PeriodicTimerFiresOncePerPeriodAndStopsWhenDisposed()
    {
        var time = new ManualTimeProvider();
        var at = new List<double>();
        var timer = time.CreateTimer(_ => at.Add(time.Elapsed.TotalSeconds), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        time.Advance(TimeSpan.FromSeconds(6));
        Assert.SequenceEqual([1.0, 3.0, 5.0], at);
        timer.Dispose();
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(3, at.Count);
    }

    [Test]
    public void ChangeReschedulesAndInfiniteDisarms()
    {
        var time = new ManualTimeProvider();
        int fired = 0;
        using var timer = time.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);
        Assert.True(timer.Change(TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan));
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, fired);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, fired);
        timer.Change(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, fired);
        timer.Dispose();
        Assert.False(timer.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
    }

    [Test]
    public void ZeroDueTimeFiresAtOnce()
    {
        var time = new ManualTimeProvider();
        int fired = 0;
        using var timer = time.CreateTimer(_ => fired++, null, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        Assert.Equal(1, fired);
    }

    [Test]
    public void CallbackThatArmsAnEarlierTimerIsHonouredInOrder()
    {
        var time = new ManualTimeProvider();
        var fired = new List<string>();
        ITimer? inner = null;
        using var late = time.CreateTimer(_ => fired.Add("late@" + time.Elapsed.TotalSeconds), null, TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);
        using var early = time.CreateTimer(_ =>
        {
            fired.Add("early@" + time.Elapsed.TotalSeconds);
            inner = time.CreateTimer(_ => fired.Add("inner@" + time.Elapsed.TotalSeconds), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        }, null, TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);
        time.Advance(TimeSpan.FromSeconds(10));
        inner?.Dispose();
        Assert.SequenceEqual(["early@2", "inner@3", "late@5"], fired);
    }

    [Test]
    public async Task TaskDelayAndCancellationRunOnVirtualTime()
    {
        var time = new ManualTimeProvider();
        var delay = Task.Delay(TimeSpan.FromHours(1), time);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(30), time);
        Assert.False(delay.IsCompleted);
        time.Advance(TimeSpan.FromMinutes(30));
        Assert.True(cts.IsCancellationRequested);
        Assert.False(delay.IsCompleted);
        time.Advance(TimeSpan.FromMinutes(30));
        await delay.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromHours(1), time.Elapsed);
    }

    [Test]
    public void AdvanceToNextTimerJumpsExactlyToIt()
    {
        var time = new ManualTimeProvider();
        Assert.False(time.AdvanceToNextTimer());
        Assert.Null(time.NextDueTime);
        int fired = 0;
        using var timer = time.CreateTimer(_ => fired++, null, TimeSpan.FromMilliseconds(1234), Timeout.InfiniteTimeSpan);
        Assert.Equal(ManualTimeProvider.DefaultStart.AddMilliseconds(1234), time.NextDueTime);
        Assert.True(time.AdvanceToNextTimer());
        Assert.Equal(1, fired);
        Assert.Equal(TimeSpan.FromMilliseconds(1234), time.Elapsed);
    }

    [Test]
    public void ConcurrentTimersFromManyThreadsEachFireExactlyOnce()
    {
        var time = new ManualTimeProvider();
        const int PerThread = 2000;
        var counts = new int[4 * PerThread];
        var timers = new ITimer[counts.Length];
        Parallel.For(0, 4, t =>
        {
            for (int i = 0; i < PerThread; i++)
            {
                int id = t * PerThread + i;
                timers[id] = time.CreateTimer(_ => Interlocked.Increment(ref counts[id]), null, TimeSpan.FromMilliseconds(1 + id % 97), Timeout.InfiniteTimeSpan);
            }
        });
        var advancers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < 50; i++)
            {
                time.Advance(TimeSpan.FromMilliseconds(1));
            }
        })).ToArray();
        Task.WaitAll(advancers);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(counts.All(c => c == 1), "every timer fires exactly once");
        foreach (var timer in timers)
        {
            timer.Dispose();
        }
    }
}
