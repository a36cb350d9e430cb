namespace AgentOS.Llm.Embedded;

/// <summary>One sequence's state: activation buffers and its KV cache (the part a context switch snapshots).</summary>
public sealed class Llama2Sequence
{
    private readonly Llama2Config _config;

    internal Llama2Sequence(Llama2Config c)
    {
        _config = c;
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

    internal Llama2Config Config => _config;

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

    /// <summary>
    /// Copies the KV cache of positions 0 .. <paramref name="positions"/>-1: everything needed to continue this
    /// sequence later, in this or another sequence of the same model, with identical output (the activations are
    /// recomputed by the next step).
    /// </summary>
    public Llama2Snapshot Snapshot(int positions)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(positions);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(positions, _config.SeqLen);
        int kvDim = _config.KvDim;
        var keys = new float[_config.Layers * positions * kvDim];
        var values = new float[keys.Length];
        for (int layer = 0; layer < _config.Layers; layer++)
        {
            long from = (long)layer * _config.SeqLen * kvDim;
            KeyCache.AsSpan((int)from, positions * kvDim).CopyTo(keys.AsSpan(layer * positions * kvDim));
            ValueCache.AsSpan((int)from, positions * kvDim).CopyTo(values.AsSpan(layer * positions * kvDim));
        }
        return new Llama2Snapshot(_config, positions, keys, values);
    }

    /// <summary>Loads a snapshot's KV cache; the sequence then continues at position <see cref="Llama2Snapshot.Positions"/>.</summary>
    /// <exception cref="ArgumentException">The snapshot is of a model with another shape.</exception>
    public void Restore(Llama2Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Config != _config)
        {
            throw new ArgumentException("The snapshot was taken from a model of another shape.", nameof(snapshot));
        }
        int kvDim = _config.KvDim, positions = snapshot.Positions;
        for (int layer = 0; layer < _config.Layers; layer++)
        {
            long to = (long)layer * _config.SeqLen * kvDim;
            snapshot.Keys.AsSpan(layer * positions * kvDim, positions * kvDim).CopyTo(KeyCache.AsSpan((int)to));
            snapshot.Values.AsSpan(layer * positions * kvDim, positions * kvDim).CopyTo(ValueCache.AsSpan((int)to));
        }
    }
}
