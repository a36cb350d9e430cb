namespace AgentOS.Bench.Harness;

/// <summary>How a benchmark is timed; the unit in the results says which.</summary>
public enum BenchKind
{
    /// <summary>Whole runs are timed; the median is of per-run mean time per operation.</summary>
    Throughput,

    /// <summary>Each operation is timed with <see cref="BenchRun.Record"/>; median and p99 are of those samples.</summary>
    Latency,
}

/// <summary>
/// Marks a static method <c>void M(BenchRun run)</c> as a benchmark. The method does its setup, calls
/// <see cref="BenchRun.Start"/>, does the timed work, calls <see cref="BenchRun.Stop"/> with the operation count, then
/// tears down. It is called for warm-up and then once per measured run.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BenchmarkAttribute(string name) : Attribute
{
    public string Name { get; } = name;

    public BenchKind Kind { get; set; } = BenchKind.Throughput;

    /// <summary>Names of benchmarks to compare against (comma-separated); the first is the reported <c>baseline</c>.
    /// Compared benchmarks run interleaved in one process (A B A B ...).</summary>
    public string? Baseline { get; set; }

    /// <summary>Allocations counted on all threads (<c>GC.GetTotalAllocatedBytes</c>) rather than the calling thread's.</summary>
    public bool MultiThreaded { get; set; }

    /// <summary>Measured runs (warm-up runs come on top); <c>--quick</c> uses fewer.</summary>
    public int Runs { get; set; } = 10;
}
