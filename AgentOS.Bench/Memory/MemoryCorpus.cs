using AgentOS.Memory;

namespace AgentOS.Bench.Memory;

/// <summary>
/// A synthetic corpus for memory benchmarks: notes of 8 to 20 words drawn from a 20,000-word vocabulary with a
/// Zipf-like skew (a few words are in a large share of the notes, as in real text), and queries of 2 to 3 words. The
/// stores built from it are cached per size, since building 100k items (and their 384-dim vectors) dwarfs a search.
/// </summary>
internal static class MemoryCorpus
{
    private static readonly string[] Vocabulary = [.. Enumerable.Range(0, 20_000).Select(Word)];
    private static readonly Dictionary<(int, bool, bool), BlockMemoryStore> Stores = [];

    public static string Note(Random random)
    {
        int words = 8 + random.Next(13);
        return string.Join(' ', Enumerable.Range(0, words).Select(_ => Vocabulary[Zipf(random)]));
    }

    public static string Query(Random random) =>
        string.Join(' ', Enumerable.Range(0, 2 + random.Next(2)).Select(_ => Vocabulary[Zipf(random)]));

    /// <summary>A store holding <paramref name="items"/> notes of agent "a", indexed (a first search absorbs them).</summary>
    // dense: Gaussian embeddings (DenseEmbedder) instead of hashed n-grams.
    public static BlockMemoryStore Store(int items, bool vectors, bool dense = false)
    {
        if (Stores.TryGetValue((items, vectors, dense), out var cached))
        {
            return cached;
        }
        foreach (var old in Stores.Values)
        {
            old.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        Stores.Clear();
        var options = new MemoryStoreOptions { GlobalLimitBytes = 4L << 30, AgentQuotaBytes = 4L << 30 };
        var store = BlockMemoryStore.OpenAsync(options, embedder: !vectors ? null : dense ? new DenseEmbedder(384) : new HashedNgramEmbedder(384)).AsTask().GetAwaiter().GetResult();
        var random = new Random(1);
        for (int i = 0; i < items; i++)
        {
            store.AppendAsync("a", Note(random), []).AsTask().GetAwaiter().GetResult();
        }
        store.SearchAsync(["a"], "warm", 1).AsTask().GetAwaiter().GetResult();
        GC.Collect();
        Stores[(items, vectors, dense)] = store;
        return store;
    }

    // Rank r is drawn with probability about 1/r: most draws hit the first few hundred words.
    private static int Zipf(Random random) => Math.Min(Vocabulary.Length - 1, (int)Math.Exp(random.NextDouble() * Math.Log(Vocabulary.Length)) - 1);

    private static string Word(int i)
    {
        const string Letters = "etaoinshrdlucmfwypvbgkqjxz";
        var chars = new char[3 + i % 6];
        int n = i;
        for (int c = 0; c < chars.Length; c++)
        {
            chars[c] = Letters[(n + c * 7) % Letters.Length];
            n /= 3;
        }
        return new string(chars) + (i % 97).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
