namespace AgentOS.Bench.Harness;

/// <summary>Thrown by <see cref="BenchRun.Skip"/>: the runner reports the benchmark as skipped and goes on.</summary>
public sealed class BenchSkippedException(string reason) : Exception(reason);
