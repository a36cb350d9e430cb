namespace AgentOS.Llm.Embedded;

/// <summary>A sequence's KV cache up to <see cref="Positions"/>: the KV-cache snapshot of a preemptive context switch.</summary>
public sealed class Llama2Snapshot
{
    internal Llama2Snapshot(Llama2Config config, int positions, float[] keys, float[] values)
    {
        Config = config;
        Positions = positions;
        Keys = keys;
        Values = values;
    }

    /// <summary>The model shape it belongs to.</summary>
    public Llama2Config Config { get; }

    /// <summary>How many positions it holds; the sequence continues at this position.</summary>
    public int Positions { get; }

    /// <summary>Its size in bytes.</summary>
    public long Bytes => 4L * (Keys.Length + Values.Length);

    internal float[] Keys { get; }
    internal float[] Values { get; }
}
