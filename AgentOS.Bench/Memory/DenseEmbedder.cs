using System.Collections.Concurrent;
using AgentOS.Memory;

namespace AgentOS.Bench.Memory;

/// <summary>
/// Dense embeddings with the statistics that make vector search hard, for benchmarks: every value of every vector is
/// non-zero (unlike the hashed n-gram embedder's sparse vectors, where the int8 pre-scan prunes best). A text's vector
/// is the sum of its words' fixed Gaussian vectors, plus Gaussian noise of its own, plus a direction shared by every
/// text (sentence embedders are anisotropic: unrelated texts score well above zero), scaled to a norm drawn around 10
/// as a model's hidden states are. Texts sharing words are close; the top scores stand only a little clear of the bulk.
/// Deterministic per text; thread-safe.
/// </summary>
internal sealed class DenseEmbedder(int dimensions) : IEmbedder
{
    private readonly ConcurrentDictionary<string, float[]> _words = new(StringComparer.Ordinal);
    private readonly float[] _shared = Gaussian(new Random(12345), dimensions);

    public string Name => "dense-gaussian";

    public int Dimensions => dimensions;

    public ValueTask<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        var vectors = new float[texts.Count][];
        for (int i = 0; i < texts.Count; i++)
        {
            vectors[i] = Embed(texts[i]);
        }
        return ValueTask.FromResult(vectors);
    }

    public float[] Embed(string text)
    {
        var random = new Random(StableHash(text));
        var vector = Gaussian(random, dimensions);
        string[] words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // Words outweigh the text's own noise, and the shared direction weighs about as much as the words together.
        float wordWeight = 2f / MathF.Sqrt(Math.Max(1, words.Length));
        foreach (string word in words)
        {
            var w = _words.GetOrAdd(word, key => Gaussian(new Random(StableHash(key)), dimensions));
            for (int i = 0; i < dimensions; i++)
            {
                vector[i] += wordWeight * w[i];
            }
        }
        double norm = 0;
        for (int i = 0; i < dimensions; i++)
        {
            vector[i] += 1.5f * _shared[i];
            norm += (double)vector[i] * vector[i];
        }
        // Log-normal around 10: the index normalizes, but quantization sees the raw scale.
        float scale = (float)(10 * Math.Exp(0.3 * NextGaussian(random)) / Math.Sqrt(norm));
        for (int i = 0; i < dimensions; i++)
        {
            vector[i] *= scale;
        }
        return vector;
    }

    private static float[] Gaussian(Random random, int dimensions)
    {
        var v = new float[dimensions];
        for (int i = 0; i < dimensions; i++)
        {
            v[i] = (float)NextGaussian(random);
        }
        return v;
    }

    // Box–Muller.
    private static double NextGaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    // FNV-1a: string.GetHashCode is randomized per process, and the vectors must not be.
    private static int StableHash(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 16777619;
        }
        return (int)hash;
    }
}
