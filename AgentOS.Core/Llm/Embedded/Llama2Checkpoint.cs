using System.Runtime.InteropServices;

namespace AgentOS.Llm.Embedded;

/// <summary>
/// A llama2.c checkpoint in the legacy fp32 format (the format of run.c's <c>stories*.bin</c>): a header of seven
/// int32 (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size — negative when the classifier is not shared —,
/// seq_len), then the fp32 weights in run.c's order. The header and the file size are validated before anything is read,
/// so a truncated or foreign file is a clear <see cref="ModelFormatException"/>, never garbage.
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
        if (bytes.Length < 28)
        {
            throw new ModelFormatException($"'{path}' is {bytes.Length} bytes: too short for a llama2.c header (28 bytes).");
        }
        var header = MemoryMarshal.Cast<byte, int>(bytes.AsSpan(0, 28));
        int dim = header[0], hidden = header[1], layers = header[2], heads = header[3], kvHeads = header[4], vocab = header[5], seq = header[6];
        bool shared = vocab > 0;
        vocab = Math.Abs(vocab);
        if (dim <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || vocab <= 0 || seq <= 0
            || dim % heads != 0 || heads % kvHeads != 0 || dim > 65536 || hidden > 262144 || layers > 1024 || vocab > 1 << 20 || seq > 1 << 20)
        {
            throw new ModelFormatException($"'{path}' does not start with a plausible llama2.c header (dim {dim}, hidden {hidden}, layers {layers}, heads {heads}, kv heads {kvHeads}, vocab {vocab}, seq {seq}); is it a llama2.c fp32 checkpoint?");
        }
        var config = new Llama2Config(dim, hidden, layers, heads, kvHeads, vocab, seq, shared);
        long expected = 28 + 4 * WeightCount(config);
        if (bytes.Length != expected)
        {
            throw new ModelFormatException($"'{path}' is {bytes.Length} bytes but its header describes {expected}: the file is {(bytes.Length < expected ? "truncated" : "longer than the model (another format?)")}.");
        }
        var weights = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(28)).ToArray();
        return new Llama2Checkpoint(config, weights);
    }

    /// <summary>How many floats the weights of <paramref name="c"/> take, including run.c's two unused RoPE tables.</summary>
    internal static long WeightCount(Llama2Config c)
    {
        long l = c.Layers, d = c.Dim, h = c.HiddenDim, kv = c.KvDim, v = c.VocabSize;
        long count = v * d + l * d + l * d * d + 2 * l * d * kv + l * d * d + l * d + 3 * l * d * h + d + (long)c.SeqLen * c.HeadSize;
        return c.SharedClassifier ? count : count + v * d;
    }
}
