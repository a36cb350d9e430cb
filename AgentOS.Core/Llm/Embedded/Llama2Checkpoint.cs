using System.Runtime.InteropServices;

namespace AgentOS.Llm.Embedded;

/// <summary>
/// A llama2.c checkpoint, in any of the formats llama2.c's <c>export.py</c> writes:
/// <list type="bullet">
/// <item>legacy (version 0, the format of run.c's <c>stories*.bin</c>): seven int32 (dim, hidden_dim, n_layers,
/// n_heads, n_kv_heads, vocab_size — negative when the classifier is not shared —, seq_len), then the fp32 weights
/// in run.c's order, including two unused RoPE tables;</item>
/// <item>version 1: a 256-byte header (magic "ak42" as uint32 0x616b3432, version, the seven ints, a shared-classifier
/// byte, zero padding), then fp32 weights with the norms first;</item>
/// <item>version 2: the same header plus the int32 group size, the norms in fp32, then every other matrix as int8 with
/// one fp32 scale per group (symmetric Q8_0). They are dequantized at load (weight-only), so the model computes in
/// fp32 and its output stays close to the fp32 model's.</item>
/// </list>
/// The header and the exact file size are validated before the weights are read, so a truncated or foreign file is a
/// clear <see cref="ModelFormatException"/>, never garbage.
/// </summary>
public sealed class Llama2Checkpoint
{
    private Llama2Checkpoint(Llama2Config config, float[] weights)
    {
        Config = config;
        Weights = weights;
    }

    /// <summary>The model's shape.</summary>
    public Llama2Config Config { get; }

    /// <summary>All weights, in run.c's order (see the offsets below).</summary>
    internal float[] Weights { get; }

    /// <summary>Reads and validates a checkpoint.</summary>
    /// <exception cref="ModelFormatException">The file is not a consistent llama2.c fp32 checkpoint.</exception>
    public static Llama2Checkpoint Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException($"Cannot read the model '{path}': {ex.Message}", ex);
        }
        if (bytes.Length >= 8 && MemoryMarshal.Read<uint>(bytes) == Magic)
        {
            return LoadVersioned(path, bytes);
        }
        if (bytes.Length < 28)
        {
            throw new ModelFormatException($"'{path}' is {bytes.Length} bytes: too short for a llama2.c header (28 bytes).");
        }
        var header = MemoryMarshal.Cast<byte, int>(bytes.AsSpan(0, 28));
        var config = Validate(path, header, shared: header[5] > 0);
        long expected = 28 + 4 * WeightCount(config);
        if (bytes.Length != expected)
        {
            throw new ModelFormatException($"'{path}' is {bytes.Length} bytes but its header describes {expected}: the file is {(bytes.Length < expected ? "truncated" : "longer than the model (another format?)")}.");
        }
        var weights = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(28)).ToArray();
        return new Llama2Checkpoint(config, weights);
    }

    /// <summary>"ak42", the magic of llama2.c's versioned exports.</summary>
    public const uint Magic = 0x616b3432;

    private const int VersionedHeaderSize = 256;

    private static Llama2Config Validate(string path, ReadOnlySpan<int> header, bool shared)
    {
        int dim = header[0], hidden = header[1], layers = header[2], heads = header[3], kvHeads = header[4], vocab = Math.Abs(header[5]), seq = header[6];
        if (dim <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || vocab <= 0 || seq <= 0
            || dim % heads != 0 || heads % kvHeads != 0 || (dim / heads) % 2 != 0 || dim > 65536 || hidden > 262144 || layers > 1024 || vocab > 1 << 20 || seq > 1 << 20)
        {
            throw new ModelFormatException($"'{path}' does not hold a plausible llama2.c header (dim {dim}, hidden {hidden}, layers {layers}, heads {heads}, kv heads {kvHeads}, vocab {vocab}, seq {seq}); is it a llama2.c checkpoint?");
        }
        return new Llama2Config(dim, hidden, layers, heads, kvHeads, vocab, seq, shared);
    }

    // Versions 1 (fp32) and 2 (Q8_0): read into the legacy layout the model indexes (RoPE tables left zero).
    private static Llama2Checkpoint LoadVersioned(string path, byte[] bytes)
    {
        if (bytes.Length < VersionedHeaderSize)
        {
            throw new ModelFormatException($"'{path}' starts with llama2.c's magic but is only {bytes.Length} bytes: the 256-byte header is truncated.");
        }
        int version = MemoryMarshal.Read<int>(bytes.AsSpan(4));
        if (version is not (1 or 2))
        {
            throw new ModelFormatException($"'{path}' is a llama2.c export of version {version}; AgentOS reads versions 0 (legacy), 1 (fp32) and 2 (int8).");
        }
        var config = Validate(path, MemoryMarshal.Cast<byte, int>(bytes.AsSpan(8, 28)), shared: bytes[36] != 0);
        int groupSize = version == 2 ? MemoryMarshal.Read<int>(bytes.AsSpan(37)) : 0;
        if (version == 2 && (groupSize <= 0 || config.Dim % groupSize != 0))
        {
            throw new ModelFormatException($"'{path}' has a quantization group size of {groupSize}, which does not divide dim {config.Dim}.");
        }
        var layout = new Layout(config);
        long norms = layout.NormCount;
        long matrices = layout.MatrixCount;
        long expected = VersionedHeaderSize + (version == 1 ? 4 * (norms + matrices) : 4 * norms + matrices + 4 * (matrices / groupSize));
        if (bytes.Length != expected)
        {
            throw new ModelFormatException($"'{path}' is {bytes.Length} bytes but its version {version} header describes {expected}: the file is {(bytes.Length < expected ? "truncated" : "longer than the model")}.");
        }

        var weights = new float[WeightCount(config)];
        var reader = new WeightReader(bytes, VersionedHeaderSize);
        // fp32 norms first (both versions): attention norms, ffn norms, final norm.
        reader.Floats(weights, layout.RmsAtt, (long)config.Layers * config.Dim);
        reader.Floats(weights, layout.RmsFfn, (long)config.Layers * config.Dim);
        reader.Floats(weights, layout.RmsFinal, config.Dim);
        foreach (var (offset, count) in layout.Matrices(version))
        {
            if (version == 1)
            {
                reader.Floats(weights, offset, count);
            }
            else
            {
                reader.Quantized(weights, offset, count, groupSize);
            }
        }
        return new Llama2Checkpoint(config, weights);
    }

    // Where each tensor sits in the legacy layout, and the order versioned files store the matrices in.
    private sealed class Layout
    {
        private readonly Llama2Config _c;

        public Layout(Llama2Config c)
        {
            _c = c;
            long l = c.Layers, d = c.Dim, h = c.HiddenDim, kv = c.KvDim, v = c.VocabSize;
            Embedding = 0;
            RmsAtt = v * d;
            Wq = RmsAtt + l * d;
            Wk = Wq + l * d * d;
            Wv = Wk + l * d * kv;
            Wo = Wv + l * d * kv;
            RmsFfn = Wo + l * d * d;
            W1 = RmsFfn + l * d;
            W2 = W1 + l * d * h;
            W3 = W2 + l * h * d;
            RmsFinal = W3 + l * d * h;
            Classifier = RmsFinal + d + (long)c.SeqLen * c.HeadSize;
            NormCount = 2 * l * d + d;
            MatrixCount = WeightCount(c) - NormCount - (long)c.SeqLen * c.HeadSize;
        }

        public long Embedding { get; }
        public long RmsAtt { get; }
        public long Wq { get; }
        public long Wk { get; }
        public long Wv { get; }
        public long Wo { get; }
        public long RmsFfn { get; }
        public long W1 { get; }
        public long W2 { get; }
        public long W3 { get; }
        public long RmsFinal { get; }
        public long Classifier { get; }
        public long NormCount { get; }
        public long MatrixCount { get; }

        // Version 1 writes each stacked tensor whole; version 2 quantizes each layer's matrix separately, in the same
        // order, so both can be read as per-layer slices.
        public IEnumerable<(long Offset, long Count)> Matrices(int version)
        {
            long l = _c.Layers, d = _c.Dim, h = _c.HiddenDim, kv = _c.KvDim;
            yield return (Embedding, (long)_c.VocabSize * d);
            foreach (var (start, size) in new[] { (Wq, d * d), (Wk, d * kv), (Wv, d * kv), (Wo, d * d), (W1, d * h), (W2, h * d), (W3, d * h) })
            {
                for (long layer = 0; layer < l; layer++)
                {
                    yield return (start + layer * size, size);
                }
            }
            if (!_c.SharedClassifier)
            {
                yield return (Classifier, (long)_c.VocabSize * d);
            }
        }
    }

    private struct WeightReader(byte[] bytes, int position)
    {
        private int _position = position;

        public void Floats(float[] target, long offset, long count)
        {
            MemoryMarshal.Cast<byte, float>(bytes.AsSpan(_position, checked((int)(count * 4)))).CopyTo(target.AsSpan((int)offset, (int)count));
            _position += (int)(count * 4);
        }

        // Q8_0: count int8 values, then count / groupSize fp32 scales; value = int8 * scale of its group.
        public void Quantized(float[] target, long offset, long count, int groupSize)
        {
            var q = MemoryMarshal.Cast<byte, sbyte>(bytes.AsSpan(_position, (int)count));
            _position += (int)count;
            var scales = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(_position, (int)(count / groupSize * 4)));
            _position += (int)(count / groupSize * 4);
            var output = target.AsSpan((int)offset, (int)count);
            for (int i = 0; i < output.Length; i++)
            {
                output[i] = q[i] * scales[i / groupSize];
            }
        }
    }

    /// <summary>How many floats the weights of <paramref name="c"/> take, including run.c's two unused RoPE tables.</summary>
    internal static long WeightCount(Llama2Config c)
    {
        long l = c.Layers, d = c.Dim, h = c.HiddenDim, kv = c.KvDim, v = c.VocabSize;
        long count = v * d + l * d + l * d * d + 2 * l * d * kv + l * d * d + l * d + 3 * l * d * h + d + (long)c.SeqLen * c.HeadSize;
        return c.SharedClassifier ? count : count + v * d;
    }
}
