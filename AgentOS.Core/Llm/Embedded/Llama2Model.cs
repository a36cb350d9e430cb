using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using AgentOS.Threading;

namespace AgentOS.Llm.Embedded;

/// <summary>
/// The llama2.c transformer in plain C#: RMSNorm, rotary position embeddings, grouped-query attention with a KV cache,
/// SwiGLU feed-forward, shared or separate classifier. Every loop keeps run.c's order of float operations except the
/// matrix-vector dot products, which are vectorized (the exactness tests show run.c's tokens survive that), so decoding
/// reproduces run.c's tokens. Large products may be split across a pinned pool. The kernels are compiled optimized
/// from their first call (AggressiveOptimization): a short generation in a fresh process would otherwise run mostly
/// unoptimized tier-0 code. Thread-safe for concurrent
/// sequences: each <see cref="Llama2Sequence"/> owns its activations and cache.
/// </summary>
public sealed partial class Llama2Model
{
    private readonly float[] _w;
    private readonly float[] _rope;
    private readonly int _tokenEmbedding, _rmsAtt, _wq, _wk, _wv, _wo, _rmsFfn, _w1, _w2, _w3, _rmsFinal, _wcls;

    /// <summary>Rows × columns of a matrix-vector product from which it is split across the pool, by default: below it
    /// handing parts to another thread costs more than it saves (the break-even AgentOS.Bench's
    /// <c>llm.embedded.split</c> benchmarks measure).</summary>
    public const int DefaultSplitThreshold = 64 * 1024;

    private readonly PinnedThreadPool? _pool;
    private readonly int _splitThreshold;

    /// <summary>Wraps a loaded checkpoint.</summary>
    /// <param name="checkpoint">The weights.</param>
    /// <param name="pool">Workers that take parts of each large matrix-vector product of a single-sequence step
    /// (typically one worker fewer than the CPUs; the calling thread takes a part too). <see langword="null"/>: every
    /// product runs on the calling thread.</param>
    /// <param name="splitThreshold">The smallest product (rows × columns) that is split.</param>
    public Llama2Model(Llama2Checkpoint checkpoint, PinnedThreadPool? pool = null, int splitThreshold = DefaultSplitThreshold)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentOutOfRangeException.ThrowIfNegative(splitThreshold);
        _pool = pool;
        _splitThreshold = splitThreshold;
        Config = checkpoint.Config;
        _w = checkpoint.Weights;
        _rope = RopeTable(Config);
        var c = Config;
        int l = c.Layers, d = c.Dim, h = c.HiddenDim, kv = c.KvDim;
        int offset = 0;
        int Take(long count)
        {
            int at = offset;
            offset = checked((int)(offset + count));
            return at;
        }
        _tokenEmbedding = Take((long)c.VocabSize * d);
        _rmsAtt = Take((long)l * d);
        _wq = Take((long)l * d * d);
        _wk = Take((long)l * d * kv);
        _wv = Take((long)l * d * kv);
        _wo = Take((long)l * d * d);
        _rmsFfn = Take((long)l * d);
        _w1 = Take((long)l * d * h);
        _w2 = Take((long)l * h * d);
        _w3 = Take((long)l * d * h);
        _rmsFinal = Take(d);
        Take((long)c.SeqLen * c.HeadSize); // run.c's legacy RoPE tables: unused, RoPE is computed
        _wcls = c.SharedClassifier ? _tokenEmbedding : Take((long)c.VocabSize * d);
    }

    /// <summary>The model's shape.</summary>
    public Llama2Config Config { get; }

    /// <summary>Starts a new sequence (its own KV cache).</summary>
    public Llama2Sequence NewSequence() => new(Config);

    /// <summary>Runs one token at position <paramref name="pos"/> of <paramref name="s"/> and returns the logits
    /// (a view into the sequence's buffer, valid until its next step).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<float> Forward(Llama2Sequence s, int token, int pos)
    {
        ArgumentNullException.ThrowIfNull(s);
        var c = Config;
        if ((uint)token >= (uint)c.VocabSize)
        {
            throw new ArgumentOutOfRangeException(nameof(token), token, $"Token ids run from 0 to {c.VocabSize - 1}.");
        }
        if ((uint)pos >= (uint)c.SeqLen)
        {
            throw new ArgumentOutOfRangeException(nameof(pos), pos, $"The model's context holds {c.SeqLen} positions.");
        }
        int dim = c.Dim, kvDim = c.KvDim, hidden = c.HiddenDim, kvMul = c.Heads / c.KvHeads;
        var x = s.X.AsSpan();
        _w.AsSpan(_tokenEmbedding + token * dim, dim).CopyTo(x);

        for (int layer = 0; layer < c.Layers; layer++)
        {
            RmsNorm(s.Xb, x, _w.AsSpan(_rmsAtt + layer * dim, dim));

            long cacheOffset = (long)layer * c.SeqLen * kvDim;
            int kvAt = (int)(cacheOffset + (long)pos * kvDim);
            MatMul(s.Q, 0, s.Xb, _wq + layer * dim * dim, dim, dim);
            MatMul(s.KeyCache, kvAt, s.Xb, _wk + layer * dim * kvDim, dim, kvDim);
            MatMul(s.ValueCache, kvAt, s.Xb, _wv + layer * dim * kvDim, dim, kvDim);

            Rope(s.Q, s.KeyCache.AsSpan(kvAt, kvDim), pos);

            Attend(s, cacheOffset, pos, kvMul);
            MatMul(s.Xb2, 0, s.Xb, _wo + layer * dim * dim, dim, dim);
            AddInto(x, s.Xb2);

            // Feed-forward: w2(silu(w1·x) * w3·x).
            RmsNorm(s.Xb, x, _w.AsSpan(_rmsFfn + layer * dim, dim));
            MatMul(s.Hb, 0, s.Xb, _w1 + layer * dim * hidden, dim, hidden);
            MatMul(s.Hb2, 0, s.Xb, _w3 + layer * dim * hidden, dim, hidden);
            SwiGlu(s.Hb, s.Hb2);
            MatMul(s.Xb, 0, s.Hb, _w2 + layer * hidden * dim, hidden, dim);
            AddInto(x, s.Xb);
        }

        RmsNorm(x, x, _w.AsSpan(_rmsFinal, dim));
        MatMul(s.Logits, 0, s.X, _wcls, dim, c.VocabSize);
        return s.Logits;
    }

    /// <summary>
    /// Runs one step of several sequences at once (continuous batching): each weight row is read once for the whole
    /// batch, and a batch of 4 or more is split over two threads. Every sequence gets exactly the logits
    /// <see cref="Forward"/> would give it (same arithmetic, same order), readable afterwards with
    /// <see cref="Logits"/>.
    /// </summary>
    public void ForwardBatch(IReadOnlyList<Llama2Sequence> sequences, ReadOnlySpan<int> tokens, ReadOnlySpan<int> positions)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (tokens.Length != sequences.Count || positions.Length != sequences.Count)
        {
            throw new ArgumentException("A batch step needs one token and one position per sequence.", nameof(tokens));
        }
        for (int b = 0; b < sequences.Count; b++)
        {
            if ((uint)tokens[b] >= (uint)Config.VocabSize || (uint)positions[b] >= (uint)Config.SeqLen)
            {
                throw new ArgumentOutOfRangeException(nameof(tokens), $"Sequence {b}: token {tokens[b]} or position {positions[b]} is out of the model's range.");
            }
        }
        if (sequences.Count < 4)
        {
            StepBatch(sequences, tokens, positions, 0, sequences.Count);
            return;
        }
        int half = sequences.Count / 2;
        int[] t = tokens.ToArray(), p = positions.ToArray();
        Parallel.Invoke(() => StepBatch(sequences, t, p, 0, half), () => StepBatch(sequences, t, p, half, sequences.Count));
    }

    /// <summary>The logits a sequence's last step produced.</summary>
    public static ReadOnlySpan<float> Logits(Llama2Sequence sequence)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        return sequence.Logits;
    }

    // Sequences [from, to) of a batch, one step, layer by layer: per-sequence parts in a loop, matmuls batched.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void StepBatch(IReadOnlyList<Llama2Sequence> all, ReadOnlySpan<int> tokens, ReadOnlySpan<int> positions, int from, int to)
    {
        var c = Config;
        int dim = c.Dim, kvDim = c.KvDim, hidden = c.HiddenDim, kvMul = c.Heads / c.KvHeads;
        int n = to - from;
        var seqs = new Llama2Sequence[n];
        for (int b = 0; b < n; b++)
        {
            seqs[b] = all[from + b];
            _w.AsSpan(_tokenEmbedding + tokens[from + b] * dim, dim).CopyTo(seqs[b].X);
        }
        for (int layer = 0; layer < c.Layers; layer++)
        {
            long cacheOffset = (long)layer * c.SeqLen * kvDim;
            foreach (var s in seqs)
            {
                RmsNorm(s.Xb, s.X, _w.AsSpan(_rmsAtt + layer * dim, dim));
            }
            BatchMatMul(seqs, static s => s.Q, static s => s.Xb, _wq + layer * dim * dim, dim, dim);
            for (int b = 0; b < n; b++)
            {
                int pos = positions[from + b];
                var s = seqs[b];
                var k = s.KeyCache.AsSpan((int)(cacheOffset + (long)pos * kvDim), kvDim);
                var v = s.ValueCache.AsSpan((int)(cacheOffset + (long)pos * kvDim), kvDim);
                Rows(k, s.Xb, _wk + layer * dim * kvDim, dim, kvDim);
                Rows(v, s.Xb, _wv + layer * dim * kvDim, dim, kvDim);
                Rope(s.Q, k, pos);
                Attend(s, cacheOffset, pos, kvMul);
            }
            BatchMatMul(seqs, static s => s.Xb2, static s => s.Xb, _wo + layer * dim * dim, dim, dim);
            foreach (var s in seqs)
            {
                AddInto(s.X, s.Xb2);
                RmsNorm(s.Xb, s.X, _w.AsSpan(_rmsFfn + layer * dim, dim));
            }
            BatchMatMul(seqs, static s => s.Hb, static s => s.Xb, _w1 + layer * dim * hidden, dim, hidden);
            BatchMatMul(seqs, static s => s.Hb2, static s => s.Xb, _w3 + layer * dim * hidden, dim, hidden);
            foreach (var s in seqs)
            {
                SwiGlu(s.Hb, s.Hb2);
            }
            BatchMatMul(seqs, static s => s.Xb, static s => s.Hb, _w2 + layer * hidden * dim, hidden, dim);
            foreach (var s in seqs)
            {
                AddInto(s.X, s.Xb);
            }
        }
        foreach (var s in seqs)
        {
            RmsNorm(s.X, s.X, _w.AsSpan(_rmsFinal, dim));
        }
        BatchMatMul(seqs, static s => s.Logits, static s => s.X, _wcls, dim, c.VocabSize);
    }

    // Each weight row once for the whole batch; the same dot product as MatMul, so the same bits.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BatchMatMul(Llama2Sequence[] seqs, Func<Llama2Sequence, float[]> output, Func<Llama2Sequence, float[]> input, int offset, int n, int d)
    {
        var w = _w.AsSpan(offset, n * d);
        var outs = new float[seqs.Length][];
        var ins = new float[seqs.Length][];
        for (int b = 0; b < seqs.Length; b++)
        {
            outs[b] = output(seqs[b]);
            ins[b] = input(seqs[b]);
        }
        for (int i = 0; i < d; i++)
        {
            var row = w.Slice(i * n, n);
            int b = 0;
            for (; b + 4 <= seqs.Length; b += 4)
            {
                (outs[b][i], outs[b + 1][i], outs[b + 2][i], outs[b + 3][i]) = Dot4(row, ins[b].AsSpan(0, n), ins[b + 1].AsSpan(0, n), ins[b + 2].AsSpan(0, n), ins[b + 3].AsSpan(0, n));
            }
            for (; b < seqs.Length; b++)
            {
                outs[b][i] = Dot(row, ins[b].AsSpan(0, n));
            }
        }
    }

    // RoPE: rotate each pair of q (and of k, inside the kv width) by a position-dependent angle, from the table.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Rope(Span<float> q, Span<float> k, int pos)
    {
        int headSize = Config.HeadSize;
        var row = _rope.AsSpan(pos * headSize, headSize);
        for (int i = 0; i < q.Length; i += 2)
        {
            int headDim = i % headSize;
            float fcr = row[headDim];
            float fci = row[headDim + 1];
            Rotate(q, i, fcr, fci);
            if (i < k.Length)
            {
                Rotate(k, i, fcr, fci);
            }
        }
    }

    // run.c computes each rotation's cosine and sine at every step; they depend only on position and pair, so they
    // are computed once here with the same float arithmetic (the same bits), cos then sin per pair.
    private static float[] RopeTable(Llama2Config c)
    {
        var table = new float[c.SeqLen * c.HeadSize];
        for (int pos = 0; pos < c.SeqLen; pos++)
        {
            for (int headDim = 0; headDim < c.HeadSize; headDim += 2)
            {
                float freq = 1.0f / MathF.Pow(10000.0f, headDim / (float)c.HeadSize);
                float val = pos * freq;
                table[pos * c.HeadSize + headDim] = MathF.Cos(val);
                table[pos * c.HeadSize + headDim + 1] = MathF.Sin(val);
            }
        }
        return table;
    }

    // hb = silu(hb) * hb2, in place: silu(v) = v * (1 / (1 + exp(-v))), with a vector exp 16 lanes at a time (the
    // tail through a padded buffer), so no scalar exp runs; the same function for a single and a batched step.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SwiGlu(Span<float> hb, ReadOnlySpan<float> hb2)
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            for (int k = 0; k < hb.Length; k++)
            {
                float val = hb[k];
                val *= 1.0f / (1.0f + MathF.Exp(-val));
                hb[k] = val * hb2[k];
            }
            return;
        }
        hb2 = hb2[..hb.Length];
        ref float ph = ref MemoryMarshal.GetReference(hb);
        ref float pg = ref MemoryMarshal.GetReference(hb2);
        int i = 0;
        for (; i + Vector512<float>.Count <= hb.Length; i += Vector512<float>.Count)
        {
            Silu(Vector512.LoadUnsafe(ref ph, (nuint)i), Vector512.LoadUnsafe(ref pg, (nuint)i)).StoreUnsafe(ref ph, (nuint)i);
        }
        if (i < hb.Length)
        {
            Span<float> v = stackalloc float[Vector512<float>.Count];
            Span<float> g = stackalloc float[Vector512<float>.Count];
            v.Clear();
            g.Clear();
            hb[i..].CopyTo(v);
            hb2[i..].CopyTo(g);
            Silu(Vector512.Create((ReadOnlySpan<float>)v), Vector512.Create((ReadOnlySpan<float>)g)).CopyTo(v);
            v[..(hb.Length - i)].CopyTo(hb[i..]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Silu(Vector512<float> v, Vector512<float> gate) =>
        v * (Vector512<float>.One / (Vector512<float>.One + Vector512.Exp(-v))) * gate;

    // The residual connection: x += delta.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddInto(Span<float> x, ReadOnlySpan<float> delta)
    {
        for (int i = 0; i < x.Length; i++)
        {
            x[i] += delta[i];
        }
    }

    private static void Rotate(Span<float> vector, int i, float fcr, float fci)
    {
        float v0 = vector[i];
        float v1 = vector[i + 1];
        vector[i] = v0 * fcr - v1 * fci;
        vector[i + 1] = v0 * fci + v1 * fcr;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RmsNorm(Span<float> output, ReadOnlySpan<float> x, ReadOnlySpan<float> weight)
    {
        float ss = 0.0f;
        for (int j = 0; j < x.Length; j++)
        {
            ss += x[j] * x[j];
        }
        ss /= x.Length;
        ss += 1e-5f;
        ss = 1.0f / MathF.Sqrt(ss);
        for (int j = 0; j < x.Length; j++)
        {
            output[j] = weight[j] * (ss * x[j]);
        }
    }
}
