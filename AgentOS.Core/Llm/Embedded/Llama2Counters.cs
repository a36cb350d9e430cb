namespace AgentOS.Llm.Embedded;

/// <summary>
/// What the engine computed, counted per position: a resumed generation must add decode positions only, never prefill
/// (tests assert it), and a batch step shows how many sequences shared one pass over the weights. Thread-safe.
/// </summary>
public sealed class Llama2Counters
{
    private long _prefill, _decode, _steps, _snapshots, _restores;

    /// <summary>Positions computed for prompt tokens (the prefill).</summary>
    public long PrefillTokens => Interlocked.Read(ref _prefill);

    /// <summary>Positions computed whose output was sampled (one per generated token, BOS stops included).</summary>
    public long DecodeTokens => Interlocked.Read(ref _decode);

    /// <summary>Every position computed: prefill and decode.</summary>
    public long ForwardPasses => PrefillTokens + DecodeTokens;

    /// <summary>Forward steps run (one per batch step, however many sequences it served).</summary>
    public long Steps => Interlocked.Read(ref _steps);

    /// <summary>Generations suspended to a snapshot.</summary>
    public long Snapshots => Interlocked.Read(ref _snapshots);

    /// <summary>Generations resumed from a snapshot.</summary>
    public long Restores => Interlocked.Read(ref _restores);

    internal void AddPosition(bool prefill) => Interlocked.Increment(ref prefill ? ref _prefill : ref _decode);

    internal void AddStep() => Interlocked.Increment(ref _steps);

    internal void AddSnapshot() => Interlocked.Increment(ref _snapshots);

    internal void AddRestore() => Interlocked.Increment(ref _restores);
}
