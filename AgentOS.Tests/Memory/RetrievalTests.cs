using AgentOS.Memory;
using AgentOS.Syscalls.Errors;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Memory;

/// <summary>BM25 against hand-computed scores, exact vector top-k against brute force, and hybrid ranking on a small
/// labelled set.</summary>
public sealed class RetrievalTests : IDisposable
{
    private readonly MemoryStoreFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private static MemoryStoreOptions Options() => new() { K1 = 1.2, B = 0.75, BlockSize = 4096 };

    // Corpus: d1 "the cat sat on the mat" (6 terms), d2 "the dog sat" (3), d3 "cat and dog" (3); N = 3, avgdl = 4.
    // k1 = 1.2, b = 0.75, idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5)), term score = idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl)).
    //   idf(cat) = ln(1 + 1.5 / 2.5) = ln 1.6 = 0.4700036292;  idf(mat) = ln(1 + 2.5 / 1.5) = 0.9808292530
    //   d1 (dl 6): tf part = 2.2 / (1 + 1.2 * 1.375) = 0.8301886792 -> "cat mat" = (0.4700036292 + 0.9808292530) * 0.8301886792 = 1.2044650343
    //   d3 (dl 3): tf part = 2.2 / (1 + 1.2 * 0.8125) = 1.1139240506 -> "cat mat" = 0.4700036292 * 1.1139240506 = 0.5235483465
    //   "the": d1 tf 2: 0.4700036292 * 4.4 / (2 + 1.65) = 0.5665797174; d2 tf 1: 0.5235483465
    // After removing d3: N = 2, avgdl = 4.5, idf(cat) = idf(mat) = ln 2; d1: 2 ln 2 * 2.2 / (1 + 1.2 * 1.25) = 1.2199390378
    [Test]
    public async Task Bm25ScoresEqualHandComputedValuesAndFollowRemovals()
    {
        await using var store = await _fixture.OpenAsync(Options());
        var d1 = await store.AddAsync("alice", "The cat sat on the mat.", []);
        var d2 = await store.AddAsync("alice", "the dog sat", []);
        var d3 = await store.AddAsync("alice", "Cat and dog!", []);

        var result = await store.SearchAsync(["alice"], "cat mat", 10);
        Assert.SequenceEqual([d1.Id, d3.Id], result.Items.Select(i => i.Id));
        Assert.Near(1.2044650343, result.Scores[0], 1e-9);
        Assert.Near(0.5235483465, result.Scores[1], 1e-9);
        Assert.Contains("no embedder", result.Retrieval);

        var the = await store.SearchAsync(["alice"], "the", 10);
        Assert.SequenceEqual([d1.Id, d2.Id], the.Items.Select(i => i.Id));
        Assert.Near(0.5665797174, the.Scores[0], 1e-9);
        Assert.Near(0.5235483465, the.Scores[1], 1e-9);

        Assert.True(await store.RemoveAsync("alice", d3.Id));
        var after = await store.SearchAsync(["alice"], "cat mat", 10);
        Assert.SequenceEqual([d1.Id], after.Items.Select(i => i.Id));
        Assert.Near(1.2199390378, after.Scores[0], 1e-9);
    }

    [Test]
    public async Task SeveralOwnersAreRankedAsOneCorpus()
    {
        // The same corpus split over two agents scores exactly as one agent's.
        await using var store = await _fixture.OpenAsync(Options());
        var d1 = await store.AddAsync("alice", "The cat sat on the mat.", []);
        await store.AddAsync("bob", "the dog sat", []);
        var d3 = await store.AddAsync("bob", "Cat and dog!", []);
        var result = await store.SearchAsync(["alice", "bob"], "cat mat", 10);
        Assert.SequenceEqual([d1.Id, d3.Id], result.Items.Select(i => i.Id));
        Assert.Near(1.2044650343, result.Scores[0], 1e-9);
        Assert.Near(0.5235483465, result.Scores[1], 1e-9);
        Assert.Equal(0, (await store.SearchAsync(["bob"], "mat", 10)).Items.Count);
    }

    [Test]
    public async Task VectorTopKEqualsABruteForceScan()
    {
        var embedder = new HashedNgramEmbedder(64);
        await using var store = await _fixture.OpenAsync(Options(), embedder);
        // Alice's 150-odd rows take the two-thread scan, Bob's too: the merged halves must equal one scan.
        store.ParallelRows = 64;
        var random = new Random(7);
        string[] words = ["memory", "block", "agent", "kernel", "storage", "evict", "reload", "quota", "vector", "search", "index", "token"];
        var texts = new Dictionary<string, string>();
        for (int i = 0; i < 300; i++)
        {
            string text = string.Join(' ', Enumerable.Range(0, 3 + random.Next(6)).Select(_ => words[random.Next(words.Length)]));
            texts[(await store.AddAsync(random.Next(2) == 0 ? "alice" : "bob", text, [])).Id] = text;
        }
        foreach (string query in new[] { "agent memory", "evict block reload", "kernel", "vector search index quota" })
        {
            var result = await store.SearchAsync(["alice", "bob"], query, 10, MemorySearchMode.Vector);
            var q = Embed(embedder, query);
            var brute = texts.Select(t => (t.Key, Score: Dot(q, Embed(embedder, t.Value))))
                .OrderByDescending(t => t.Score).ThenBy(t => long.Parse(t.Key.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture)).Take(10).ToList();
            for (int i = 0; i < 10; i++)
            {
                Assert.Near(brute[i].Score, result.Scores[i], 1e-5, $"'{query}' rank {i}");
            }
            // Ids agree wherever scores are not tied.
            for (int i = 0; i < 10; i++)
            {
                bool tied = (i > 0 && Math.Abs(brute[i].Score - brute[i - 1].Score) < 1e-5) || (i < 9 && Math.Abs(brute[i].Score - brute[i + 1].Score) < 1e-5);
                if (!tied)
                {
                    Assert.Equal(brute[i].Key, result.Items[i].Id, $"'{query}' rank {i}");
                }
            }
            Assert.Contains("vector", result.Retrieval);
        }
    }

    [Test]
    public async Task VectorSearchEqualsTheFp32FullScanOnOneThreadAndTwo()
    {
        await using var store = await _fixture.OpenAsync(Options(), new HashedNgramEmbedder(384));
        var random = new Random(8);
        string[] words = ["memory", "block", "agent", "kernel", "storage", "evict", "reload", "quota", "vector", "search", "index", "token", "lease", "swap"];
        for (int i = 0; i < 400; i++)
        {
            await store.AddAsync("alice", string.Join(' ', Enumerable.Range(0, 2 + random.Next(5)).Select(_ => words[random.Next(words.Length)])), []);
        }
        foreach (int parallelRows in new[] { 32_768, 64 })
        {
            store.ParallelRows = parallelRows;
            foreach (string query in new[] { "agent memory", "swap lease", "kernel", "vector search index quota" })
            {
                foreach (int limit in new[] { 1, 10, 399, 400, 500 })
                {
                    store.QuantizedVectorScan = false;
                    var expected = await store.SearchAsync(["alice"], query, limit, MemorySearchMode.Vector);
                    store.QuantizedVectorScan = true;
                    var actual = await store.SearchAsync(["alice"], query, limit, MemorySearchMode.Vector);
                    string what = $"'{query}', limit {limit}, parallel from {parallelRows} rows";
                    Assert.SequenceEqual(expected.Items.Select(i => i.Id), actual.Items.Select(i => i.Id), what);
                    Assert.SequenceEqual(expected.Scores, actual.Scores, what);
                }
            }
        }
    }

    private static double[] Embed(HashedNgramEmbedder embedder, string text)
    {
        var v = new float[embedder.Dimensions];
        embedder.Embed(text, v);
        double norm = Math.Sqrt(v.Sum(x => (double)x * x));
        return [.. v.Select(x => norm == 0 ? 0 : x / norm)];
    }

    private static double Dot(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Sum();

    [Test]
    public async Task VectorSearchWithoutAnEmbedderIsAClearError()
    {
        await using var store = await _fixture.OpenAsync(Options());
        await store.AddAsync("alice", "anything", []);
        var error = await Assert.ThrowsAsync<InvalidRequestException>(async () => await store.SearchAsync(["alice"], "x", 5, MemorySearchMode.Vector));
        Assert.Contains("embedder", error.Message);
    }

    // A labelled set: each query's answer shares a rare exact word with it (BM25's strength) and word pieces with it
    // (the n-gram embedder's strength, "configure" ~ "configuration"), while distractors win on one signal alone.
    private static readonly (string Query, string Answer)[] Labelled =
    [
        ("how to configure the eviction watermark", "eviction starts at the high watermark in the configuration"),
        ("rotate the api keys", "api key rotation happens monthly; rotate keys in the vault"),
        ("backup schedule for the database", "the database backups are scheduled nightly"),
        ("reset a forgotten password", "password reset: use the forgotten-password link"),
    ];

    private static readonly string[] Distractors =
    [
        "configuration of the logging system",
        "watermark images before you publish them",
        "keys to the office are at the front desk",
        "rotate the tires every season",
        "schedule a meeting with the team",
        "a backup singer joined the band",
        "forgotten umbrellas go to lost and found",
        "reset the router when the network is down",
        "the eviction notice was delivered",
    ];

    [Test]
    public async Task HybridRankingPutsTheLabelledAnswersFirst()
    {
        await using var store = await _fixture.OpenAsync(Options(), new HashedNgramEmbedder());
        var answers = new Dictionary<string, string>();
        foreach (string distractor in Distractors)
        {
            await store.AddAsync("alice", distractor, []);
        }
        foreach (var (query, answer) in Labelled)
        {
            answers[query] = (await store.AddAsync("alice", answer, [])).Id;
        }
        foreach (var (query, _) in Labelled)
        {
            var result = await store.SearchAsync(["alice"], query, 3);
            Assert.Equal(answers[query], result.Items[0].Id, $"'{query}' ranked: {string.Join(" | ", result.Items.Select(i => i.Content))}");
            Assert.Contains("reciprocal rank fusion", result.Retrieval);
        }
    }
}
