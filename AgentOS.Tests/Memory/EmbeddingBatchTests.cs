using AgentOS.Memory;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Memory;

/// <summary>Items waiting for vectors are embedded in requests no larger than the store's batch, and what a failed
/// round embedded before failing is kept.</summary>
public sealed class EmbeddingBatchTests : IDisposable
{
    private const int Items = 600;

    private readonly MemoryStoreFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private static string Text(int i) => $"note {i} " + string.Join(' ', Enumerable.Range(0, 4).Select(j => (char)('a' + (i * 7 + j * 13) % 26) + "w" + ((i * 31 + j) % 97)));

    private async Task<(BlockMemoryStore Store, List<string> Ids)> FillAsync(IEmbedder embedder)
    {
        var store = await _fixture.OpenAsync(new MemoryStoreOptions { BlockSize = 64 * 1024 }, embedder);
        var ids = new List<string>();
        for (int i = 0; i < Items; i++)
        {
            ids.Add((await store.AddAsync("alice", Text(i), [])).Id);
        }
        return (store, ids);
    }

    [Test]
    public async Task ABulkAddIsEmbeddedInRequestsTheServerAccepts()
    {
        // 300 is under OpenAI's 2,048 like many self-hosted servers' caps; the store's default batch must fit it.
        var embedder = new CappedEmbedder(maxInputs: 300);
        var (store, ids) = await FillAsync(embedder);
        await using var _ = store;
        var result = await store.SearchAsync(["alice"], Text(437), 1, MemorySearchMode.Vector);
        Assert.Equal(ids[437], result.Items.Single().Id);
        Assert.True(embedder.Succeeded.All(n => n <= 300), "every request within the cap: " + string.Join(',', embedder.Succeeded));
        Assert.Equal(Items + 1, embedder.Succeeded.Sum(), "each item embedded once, plus the query");
    }

    [Test]
    public async Task AFailureMidwayKeepsTheBatchesAlreadyEmbedded()
    {
        // Call 1 embeds the query, call 2 the first batch, call 3 fails.
        var embedder = new CappedEmbedder(maxInputs: 300) { FailCall = 3 };
        var (store, ids) = await FillAsync(embedder);
        await using var _ = store;
        await Assert.ThrowsAsync<HttpRequestException>(async () => await store.SearchAsync(["alice"], Text(5), 1, MemorySearchMode.Hybrid));
        int before = embedder.Succeeded.Sum();
        Assert.True(before > 1 && before < Items + 1, $"the first batch was embedded before the failure ({before} texts)");

        var result = await store.SearchAsync(["alice"], Text(599), 1, MemorySearchMode.Vector);
        Assert.Equal(ids[599], result.Items.Single().Id);
        Assert.Equal(Items + 2, embedder.Succeeded.Sum(), "the retry embeds only what was left (plus its query)");
        Assert.Equal(ids[5], (await store.SearchAsync(["alice"], Text(5), 1, MemorySearchMode.Vector)).Items.Single().Id);
    }
}
