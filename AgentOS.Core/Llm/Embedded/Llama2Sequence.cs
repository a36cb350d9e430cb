namespace AgentOS.Llm.Embedded;

/// <summary>One sequence's state: activation buffers and its KV cache (the part a context switch snapshots).</summary>
public sealed class Llama2Sequence
{
    internal Llama2Sequence(Llama2Config c)
    {
        X = new float[c.Dim];
        Xb = new float[c.Dim];
        Xb2 = new float[c.Dim];
        Hb = new float[c.HiddenDim];
        Hb2 = new float[c.HiddenDim];
        Q = new float[c.Dim];
        Att = new float[c.Heads * c.SeqLen];
        Logits = new float[c.VocabSize];
        KeyCache = new float[(long)c.Layers * c.SeqLen * c.KvDim];
        ValueCache = new float[(long)c.Layers * c.SeqLen * c.KvDim];
    }

    internal float[] X { get; }
    internal float[] Xb { get; }
    internal float[] Xb2 { get; }
    internal float[] Hb { get; }
    internal float[] Hb2 { get; }
    internal float[] Q { get; }
    internal float[] Att { get; }
    internal float[] Logits { get; }
    internal float[] KeyCache { get; }
    internal float[] ValueCache { get; }
}
