using System.Diagnostics;

namespace AgentOS.Bench.Harness;

/// <summary>One run of a benchmark: what it is asked for (<see cref="Quick"/>), and what it measured.</summary>
public sealed class BenchRun
{
    private readonly bool _multiThreaded;
    private long[] _samples;
    private long _startTimestamp;
    private long _startAllocated;

    internal BenchRun(bool quick, bool multiThreaded, long[] sampleBuffer)
    {
        Quick = quick;
        _multiThreaded = multiThreaded;
        _samples = sampleBuffer;
    }

    /// <summary>Set by <c>--quick</c>: use smaller sizes as well as fewer runs.</summary>
    public bool Quick { get; }

    internal long ElapsedTicks { get; private set; } = -1;
    internal long Operations { get; private set; }
    internal long AllocatedBytes { get; private set; }
    internal int SampleCount { get; private set; }
    internal ReadOnlySpan<long> Samples => _samples.AsSpan(0, SampleCount);

    internal Dictionary<string, double> Metrics { get; } = [];

    /// <summary>Reports a figure that is neither a time nor an allocation (for example retained bytes per agent after a
    /// full GC); the last run's value is kept and printed, and written to results.json under <c>metrics</c>.</summary>
    public void Report(string metric, double value) => Metrics[metric] = value;

    /// <summary>Ends this benchmark as skipped, with the reason printed (for example a data file that is absent).</summary>
    /// <exception cref="BenchSkippedException">Always.</exception>
    public static void Skip(string reason) => throw new BenchSkippedException(reason);

    /// <summary>Picks the full size, or the quick size under <c>--quick</c>.</summary>
    public int Size(int full, int quick) => Quick ? quick : full;

    /// <summary>Starts the clock and the allocation counter; setup belongs before this call.</summary>
    public void Start()
    {
        _startAllocated = AllocatedNow();
        _startTimestamp = Stopwatch.GetTimestamp();
    }

    /// <summary>Stops the clock; <paramref name="operations"/> is how many operations the timed work did.</summary>
    public void Stop(long operations)
    {
        long end = Stopwatch.GetTimestamp();
        AllocatedBytes = AllocatedNow() - _startAllocated;
        ElapsedTicks = end - _startTimestamp;
        Operations = operations;
    }

    /// <summary>Ends a run whose work was timed by another program (an external baseline that reports its own rate,
    /// so its process start and model load are not charged to it): <paramref name="seconds"/> for
    /// <paramref name="operations"/>.</summary>
    public void StopTimedExternally(long operations, double seconds)
    {
        AllocatedBytes = 0;
        ElapsedTicks = (long)(seconds * Stopwatch.Frequency);
        Operations = operations;
    }

    /// <summary>Records one operation's latency in <see cref="Stopwatch"/> ticks (latency benchmarks). Never allocates:
    /// samples beyond the buffer (1M per run) are dropped.</summary>
    public void Record(long stopwatchTicks)
    {
        if (SampleCount < _samples.Length)
        {
            _samples[SampleCount++] = stopwatchTicks;
        }
    }

    private long AllocatedNow() => _multiThreaded ? GC.GetTotalAllocatedBytes(precise: true) : GC.GetAllocatedBytesForCurrentThread();
}
