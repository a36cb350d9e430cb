using AgentOS.Memory;
using AgentOS.Syscalls.Errors;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Memory;

/// <summary>Failures and crashes: a refused update changes nothing, and what was flushed survives a crash (a second
/// store opened on the same storage while the first is never disposed) whatever compaction, updates and evictions did
/// after the flush.</summary>
public sealed class MemoryFailureTests : IDisposable
{
    private readonly MemoryStoreFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Test]
    public async Task AnUpdateRefusedForWantOfRoomLeavesTheItemAsItWas()
    {
        var options = MemoryStoreFixture.Small(blocks: 1);
        options.Eviction = false;
        await using var store = await _fixture.OpenAsync(options);
        var first = await store.AddAsync("alice", new string('a', 400), ["old"]);
        var second = await store.AddAsync("alice", new string('b', 400), []);
        long live = store.Statistics.Agents.Single().LiveBytes;

        var error = await Assert.ThrowsAsync<MemoryQuotaExceededException>(async () => await store.UpdateAsync("alice", first.Id, new string('c', 400), ["new"]));
        Assert.Equal("global", error.Quota);

        var found = Assert.NotNull(await store.FindAsync("alice", first.Id), "the refused update removed the item");
        Assert.Equal(first.Content, found.Content);
        Assert.SequenceEqual(["old"], found.Tags);
        Assert.Equal(second.Content, Assert.NotNull(await store.FindAsync("alice", second.Id)).Content);
        Assert.Equal(2L, store.Statistics.Items);
        Assert.Equal(live, store.Statistics.Agents.Single().LiveBytes);
        Assert.Equal(first.Id, (await store.SearchAsync(["alice"], first.Content, 1)).Items.Single().Id);
        // A smaller update that fits in place of nothing new still works.
        Assert.NotNull(await store.UpdateAsync("alice", first.Id, "short", []));
        Assert.Equal("short", Assert.NotNull(await store.FindAsync("alice", first.Id)).Content);
    }

    [Test]
    public async Task CompactionAfterAFlushLosesNothingInACrash()
    {
        var store = await _fixture.OpenAsync();
        var x = await store.AddAsync("alice", "x: the small one", []);
        var y = await store.AddAsync("alice", new string('y', 600), []);
        var z = await store.AddAsync("alice", new string('z', 600), []);
        await store.FlushAsync();
        // X's block falls under a quarter full: X moves to Z's block (the chain's end) and X's old block is freed.
        Assert.True(await store.RemoveAsync("alice", y.Id));

        // A crash: the first store is never disposed (nothing more is flushed).
        await using var after = await _fixture.OpenAsync();
        Assert.Equal(x.Content, Assert.NotNull(await after.FindAsync("alice", x.Id), "X was flushed, then lost in a crash").Content);
        Assert.Equal(z.Content, Assert.NotNull(await after.FindAsync("alice", z.Id)).Content);
        Assert.Null(await after.FindAsync("alice", y.Id));
        GC.KeepAlive(store);
    }

    [Test]
    public async Task AStaleCopyOfAnUpdatedItemNeverComesBack()
    {
        var options = MemoryStoreFixture.Small(blocks: 2);
        var store = await _fixture.OpenAsync(options);
        var x = await store.AddAsync("alice", "x version one " + new string('1', 250), []);
        var w = await store.AddAsync("alice", new string('w', 600), []);
        await store.FlushAsync();
        // Version two goes to a new block; the old block (still three quarters live) keeps X's old record, marked
        // removed only in memory.
        Assert.NotNull(await store.UpdateAsync("alice", x.Id, "x version two " + new string('2', 250), []));
        // A third block passes the limit: LRU-K evicts the new block (touched once), which writes version two to
        // storage while the old block's stored copy still holds version one.
        var v = await store.AddAsync("alice", new string('v', 900), []);
        Assert.True(store.Statistics.Evictions > 0);

        // A crash (every acknowledged add is in the log), then the item is removed and that is flushed properly.
        var afterCrash = await _fixture.OpenAsync(options);
        Assert.Contains("x version two", Assert.NotNull(await afterCrash.FindAsync("alice", x.Id)).Content);
        Assert.Equal(3L, afterCrash.Statistics.Items);
        Assert.Equal((long)(x.Content.Length + w.Content.Length + v.Content.Length + 3 * MemoryRecord.HeaderSize), afterCrash.Statistics.Agents.Single().LiveBytes, "live bytes count each item once");
        Assert.True(await afterCrash.RemoveAsync("alice", x.Id));
        await afterCrash.DisposeAsync();

        await _fixture.RestartAsync();
        await using var reopened = await _fixture.OpenAsync(options);
        Assert.Null(await reopened.FindAsync("alice", x.Id), "a removed item came back from a stale stored block");
        Assert.Equal(w.Content, Assert.NotNull(await reopened.FindAsync("alice", w.Id)).Content);
        Assert.Equal(v.Content, Assert.NotNull(await reopened.FindAsync("alice", v.Id)).Content);
        Assert.Equal(2L, reopened.Statistics.Items);
        GC.KeepAlive(store);
    }
}
