using System.Text;
using AgentOS.Storage;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Time;

namespace AgentOS.Tests.Storage;

/// <summary>
/// What every storage backend must do (<see cref="IStorageBackend"/>'s contract). One subclass per backend implements
/// <see cref="Create"/>; tests that need persistence reopen the store with <see cref="ReopenAsync"/>.
/// </summary>
public abstract partial class StorageContractTests : IAsyncDisposable
{
    private readonly TempDirectory _folder = new("agentos-storage");
    private StorageTestSetup? _setup;

    /// <summary>The clock every store of the test runs on (advance it to separate versions in time).</summary>
    protected ManualTimeProvider Time { get; } = new();

    /// <summary>The store under test (after <see cref="Open"/>).</summary>
    protected IStorageBackend Store { get; private set; } = null!;

    /// <summary>Opens the backend under test. Two calls with the same setup must reach the same data.</summary>
    protected abstract IStorageBackend Create(StorageTestSetup setup);

    /// <summary>Opens the store for this test, keeping <paramref name="versionsKept"/> versions per key.</summary>
    protected IStorageBackend Open(int versionsKept = 20)
    {
        _setup = new StorageTestSetup(_folder.Path, "t" + Guid.NewGuid().ToString("N")[..12], versionsKept, Time);
        return Store = Create(_setup);
    }

    /// <summary>Closes the store and opens it again on the same data.</summary>
    protected async Task<IStorageBackend> ReopenAsync()
    {
        await Store.DisposeAsync();
        return Store = Create(_setup ?? throw new InvalidOperationException("Open the store first."));
    }

    public async ValueTask DisposeAsync()
    {
        if (Store is not null)
        {
            await Store.DisposeAsync();
        }
        _folder.Dispose();
        GC.SuppressFinalize(this);
    }

    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    protected static string Text(StorageValue? value) => Encoding.UTF8.GetString(Assert.NotNull(value).Data.Span);

    [Test]
    public async Task AWriteReadsBackWithItsEntry()
    {
        var store = Open();
        var written = await store.WriteAsync("agents/a/notes.txt", Bytes("hello"));
        Assert.Equal(new StorageEntry("agents/a/notes.txt", 5, 1, Time.GetUtcNow()), written);
        var read = await store.ReadAsync("agents/a/notes.txt");
        Assert.Equal("hello", Text(read));
        Assert.Equal(written, read!.Value.Entry);
        Assert.Equal(written, await store.StatAsync("agents/a/notes.txt"));
        Assert.False(string.IsNullOrWhiteSpace(store.Name), "a backend has a name");
    }

    [Test]
    public async Task EachWriteIsTheNextVersionAndOldVersionsStayReadable()
    {
        var store = Open();
        for (int i = 1; i <= 3; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(i, (await store.WriteAsync("k", Bytes("v" + i))).Version);
        }
        Assert.Equal("v3", Text(await store.ReadAsync("k")));
        Assert.Equal("v1", Text(await store.ReadAsync("k", 1)));
        Assert.Equal("v2", Text(await store.ReadAsync("k", 2)));
        var versions = await store.VersionsAsync("k");
        Assert.SequenceEqual([1, 2, 3], versions.Select(v => v.Version));
        Assert.SequenceEqual([2L, 2L, 2L], versions.Select(v => v.Size));
        Assert.True(versions[0].Written < versions[1].Written && versions[1].Written < versions[2].Written, "written times follow the clock");
        Assert.Equal(versions[2], await store.StatAsync("k"));
    }

    [Test]
    public async Task EmptyAndLargeValuesRoundTrip()
    {
        var store = Open();
        Assert.Equal(0L, (await store.WriteAsync("empty", ReadOnlyMemory<byte>.Empty)).Size);
        Assert.Equal(0, Assert.NotNull(await store.ReadAsync("empty")).Data.Length);
        var large = new byte[3 * 1024 * 1024 + 7];
        new Random(3).NextBytes(large);
        await store.WriteAsync("large", large);
        var back = Assert.NotNull(await store.ReadAsync("large"));
        Assert.True(large.AsSpan().SequenceEqual(back.Data.Span), "a 3 MB value reads back exactly");
    }

    [Test]
    public async Task TheCallersBufferIsNotKept()
    {
        var store = Open();
        var buffer = Bytes("original");
        await store.WriteAsync("k", buffer);
        buffer.AsSpan().Fill((byte)'x');
        Assert.Equal("original", Text(await store.ReadAsync("k")));
    }

    [Test]
    public async Task MissingKeysAndVersionsReadAsNull()
    {
        var store = Open();
        Assert.Null(await store.ReadAsync("nothing"));
        Assert.Null(await store.StatAsync("nothing"));
        Assert.Equal(0, (await store.VersionsAsync("nothing")).Count);
        await store.WriteAsync("k", Bytes("v"));
        Assert.Null(await store.ReadAsync("k", 2));
        Assert.Null(await store.ReadAsync("k", 0));
        Assert.Null(await store.ReadAsync("k", -1));
    }

    [Test]
    public async Task ListShowsCurrentVersionsUnderAPrefixInKeyOrder()
    {
        var store = Open();
        foreach (var key in new[] { "b/2", "a/1", "b/1", "bb/1", "b/sub/3" })
        {
            await store.WriteAsync(key, Bytes(key));
        }
        await store.WriteAsync("b/1", Bytes("second"));
        var listed = await store.ListAsync("b/");
        Assert.SequenceEqual(["b/1", "b/2", "b/sub/3"], listed.Select(e => e.Path));
        Assert.Equal(2, listed[0].Version);
        Assert.Equal(6L, listed[0].Size);
        Assert.SequenceEqual(["a/1", "b/1", "b/2", "b/sub/3", "bb/1"], (await store.ListAsync("")).Select(e => e.Path));
        Assert.SequenceEqual(["b/1", "b/2", "b/sub/3"], (await store.ListAsync("b")).Select(e => e.Path));
        Assert.Equal(0, (await store.ListAsync("c/")).Count);
    }

    // Issue 12: a character prefix let alice's listing of "agents/alice" name the keys of "agents/alice2/".
    [Test]
    public async Task AListingPrefixEndsAtASegmentBoundary()
    {
        var store = Open();
        foreach (var key in new[] { "agents/alice", "agents/alice/notes", "agents/alice2/secret", "agents/alice-x", "agents/alice.txt", "agents/alicf" })
        {
            await store.WriteAsync(key, Bytes(key));
        }
        Assert.SequenceEqual(["agents/alice", "agents/alice/notes"], (await store.ListAsync("agents/alice")).Select(e => e.Path));
        Assert.SequenceEqual(["agents/alice/notes"], (await store.ListAsync("agents/alice/")).Select(e => e.Path));
        Assert.SequenceEqual(["agents/alice2/secret"], (await store.ListAsync("agents/alice2")).Select(e => e.Path));
        Assert.Equal(0, (await store.ListAsync("agents/ali")).Count);
        Assert.Equal(6, (await store.ListAsync("agents")).Count);
        var reopened = await ReopenAsync();
        Assert.SequenceEqual(["agents/alice", "agents/alice/notes"], (await reopened.ListAsync("agents/alice")).Select(e => e.Path));
    }

    [Test]
    public async Task DeleteRemovesEveryVersionAndAWriteStartsOver()
    {
        var store = Open();
        await store.WriteAsync("k", Bytes("1"));
        await store.WriteAsync("k", Bytes("2"));
        await store.WriteAsync("other", Bytes("o"));
        Assert.True(await store.DeleteAsync("k"));
        Assert.False(await store.DeleteAsync("k"), "deleting twice");
        Assert.Null(await store.ReadAsync("k"));
        Assert.Null(await store.ReadAsync("k", 1));
        Assert.Equal(0, (await store.VersionsAsync("k")).Count);
        Assert.SequenceEqual(["other"], (await store.ListAsync("")).Select(e => e.Path));
        Assert.Equal(1, (await store.WriteAsync("k", Bytes("again"))).Version);
        Assert.Equal("again", Text(await store.ReadAsync("k")));
    }

    [Test]
    public async Task OnlyTheConfiguredNumberOfVersionsIsKept()
    {
        var store = Open(versionsKept: 5);
        for (int i = 1; i <= 12; i++)
        {
            await store.WriteAsync("k", Bytes("v" + i));
        }
        Assert.SequenceEqual([8, 9, 10, 11, 12], (await store.VersionsAsync("k")).Select(v => v.Version));
        Assert.Null(await store.ReadAsync("k", 7));
        Assert.Equal("v8", Text(await store.ReadAsync("k", 8)));
        var refused = await Assert.ThrowsAsync<StorageNotFoundException>(async () => await store.RollbackAsync("k", RollbackTarget.ToVersion(3)));
        Assert.Contains("8..12", refused.Message);
        Assert.Equal(12, (await store.StatAsync("k"))!.Version);
    }

    [Test]
    public async Task RollbackToAVersionWritesItAsTheNewest()
    {
        var store = Open();
        await store.WriteAsync("k", Bytes("first"));
        await store.WriteAsync("k", Bytes("second"));
        var restored = await store.RollbackAsync("k", RollbackTarget.ToVersion(1));
        Assert.Equal(3, restored.Version);
        Assert.Equal(5L, restored.Size);
        Assert.Equal("first", Text(await store.ReadAsync("k")));
        Assert.Equal("second", Text(await store.ReadAsync("k", 2)));
        // A rollback is history too: it can be rolled back.
        Assert.Equal(4, (await store.RollbackAsync("k", RollbackTarget.Back(1))).Version);
        Assert.Equal("second", Text(await store.ReadAsync("k")));
    }

    [Test]
    public async Task RollbackStepsBack()
    {
        var store = Open();
        for (int i = 1; i <= 4; i++)
        {
            await store.WriteAsync("k", Bytes("v" + i));
        }
        Assert.Equal(5, (await store.RollbackAsync("k", RollbackTarget.Back(3))).Version);
        Assert.Equal("v1", Text(await store.ReadAsync("k")));
        await Assert.ThrowsAsync<StorageNotFoundException>(async () => await store.RollbackAsync("k", RollbackTarget.Back(5)));
        Assert.Equal(5, (await store.StatAsync("k"))!.Version);
    }

    [Test]
    public async Task RollbackToTheVersionCurrentAtATime()
    {
        var store = Open();
        var start = Time.GetUtcNow();
        await store.WriteAsync("k", Bytes("at 0s"));
        Time.Advance(TimeSpan.FromMinutes(1));
        await store.WriteAsync("k", Bytes("at 60s"));
        Time.Advance(TimeSpan.FromMinutes(1));
        await store.WriteAsync("k", Bytes("at 120s"));
        Time.Advance(TimeSpan.FromMinutes(1));

        await store.RollbackAsync("k", RollbackTarget.AsOf(start.AddSeconds(90)));
        Assert.Equal("at 60s", Text(await store.ReadAsync("k")));
        await store.RollbackAsync("k", RollbackTarget.AsOf(start.AddSeconds(60)));
        Assert.Equal("at 60s", Text(await store.ReadAsync("k")), "a version written exactly then was current then");
        await store.RollbackAsync("k", RollbackTarget.AsOf(start));
        Assert.Equal("at 0s", Text(await store.ReadAsync("k")));
        await Assert.ThrowsAsync<StorageNotFoundException>(async () => await store.RollbackAsync("k", RollbackTarget.AsOf(start.AddSeconds(-1))));
        Assert.Equal(6, (await store.StatAsync("k"))!.Version);
    }

    [Test]
    public async Task RollingBackAMissingKeyIsNotFoundAndChangesNothing()
    {
        var store = Open();
        var error = await Assert.ThrowsAsync<StorageNotFoundException>(async () => await store.RollbackAsync("ghost", RollbackTarget.Back(1)));
        Assert.Equal("ghost", error.Key);
        await Assert.ThrowsAsync<StorageNotFoundException>(async () => await store.RollbackAsync("ghost", RollbackTarget.ToVersion(1)));
        Assert.Null(await store.StatAsync("ghost"));
        Assert.Throws<ArgumentOutOfRangeException>(() => RollbackTarget.Back(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => RollbackTarget.ToVersion(0));
    }

    [Test]
    public async Task ABatchAppliesItsOperationsInOrder()
    {
        var store = Open();
        await store.WriteAsync("gone", Bytes("x"));
        var batch = new StorageBatch()
            .Write("a", Bytes("a1"))
            .Write("b", Bytes("b1"))
            .Write("a", Bytes("a2"))
            .Delete("gone")
            .Delete("never-was");
        var results = await store.CommitAsync(batch);
        Assert.Equal(5, results.Count);
        Assert.Equal(1, results[0]!.Version);
        Assert.Equal(1, results[1]!.Version);
        Assert.Equal(2, results[2]!.Version);
        Assert.Null(results[3]);
        Assert.Null(results[4]);
        Assert.Equal("a2", Text(await store.ReadAsync("a")));
        Assert.Equal("a1", Text(await store.ReadAsync("a", 1)));
        Assert.Equal("b1", Text(await store.ReadAsync("b")));
        Assert.Null(await store.ReadAsync("gone"));
        Assert.Equal(0, (await store.CommitAsync(new StorageBatch())).Count);
    }

    [Test]
    public async Task BadKeysAreRefusedWithATypedErrorAndChangeNothing()
    {
        var store = Open();
        await store.WriteAsync("good", Bytes("v"));
        string[] bad = ["", "/abs", "a//b", "a/../b", "..", "a/./b", "a\\b", "a\0b", "a\nb", "trailing/", "%2e%2e/x", new string('x', StorageKey.MaxBytes + 1), "a/" + new string('y', 256)];
        foreach (var key in bad)
        {
            string shown = StorageKeyShow(key);
            await Assert.ThrowsAsync<InvalidStorageKeyException>(async () => await store.WriteAsync(key, Bytes("x")), $"write {shown}");
            await Assert.ThrowsAsync<InvalidStorageKeyException>(async () => await store.ReadAsync(key), $"read {shown}");
            await Assert.ThrowsAsync<InvalidStorageKeyException>(async () => await store.StatAsync(key), $"stat {shown}");
            await Assert.ThrowsAsync<InvalidStorageKeyException>(async () => await store.DeleteAsync(key), $"delete {shown}");
            await Assert.ThrowsAsync<InvalidStorageKeyException>(async () => await store.VersionsAsync(key), $"versions {shown}");
            await Assert.ThrowsAsync<InvalidStorageKeyException>(async () => await store.RollbackAsync(key, RollbackTarget.Back(1)), $"rollback {shown}");
            var batch = new StorageBatch().Write("batched", Bytes("x"));
            Assert.Throws<InvalidStorageKeyException>(() => batch.Write(key, Bytes("x")), $"batch {shown}");
            Assert.Equal(1, batch.Count);
        }
        var message = await Assert.ThrowsAsync<InvalidStorageKeyException>(async () => await store.WriteAsync("a/../b", Bytes("x")));
        Assert.Contains("'..'", message.Message);
        Assert.Equal(StorageKeyError.DotSegment, message.Error);
        await Assert.ThrowsAsync<InvalidStorageKeyException>(async () => await store.ListAsync("/abs"));
        await Assert.ThrowsAsync<InvalidStorageKeyException>(async () => await store.ListAsync("a//"));
        Assert.SequenceEqual(["good"], (await store.ListAsync("")).Select(e => e.Path));
        Assert.Equal(1, (await store.StatAsync("good"))!.Version);
    }

    private static string StorageKeyShow(string key) => key.Length > 40 ? key[..20] + "...(" + key.Length + ")" : key.Replace("\0", "\\0", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    [Test]
    public async Task ACancelledWriteChangesNothing()
    {
        var store = Open();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAsync<OperationCanceledException>(async () => await store.WriteAsync("k", Bytes("x"), cancelled.Token));
        await Assert.ThrowsAsync<OperationCanceledException>(async () => await store.CommitAsync(new StorageBatch().Write("k", Bytes("x")), cancelled.Token));
        Assert.Null(await store.StatAsync("k"));
    }

    [Test]
    public async Task ADisposedStoreSaysSo()
    {
        var store = Open();
        await store.WriteAsync("k", Bytes("x"));
        await store.DisposeAsync();
        await Assert.ThrowsAsync<StorageUnavailableException>(async () => await store.WriteAsync("k", Bytes("y")));
        await Assert.ThrowsAsync<StorageUnavailableException>(async () => await store.ReadAsync("k"));
        await store.DisposeAsync(); // twice is fine
        await ReopenAsync();
        Assert.Equal("x", Text(await Store.ReadAsync("k")));
    }

    [Test]
    public async Task EverythingSurvivesAReopen()
    {
        var store = Open(versionsKept: 3);
        for (int i = 1; i <= 5; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            await store.WriteAsync("kept", Bytes("v" + i));
        }
        await store.WriteAsync("deleted", Bytes("x"));
        await store.DeleteAsync("deleted");
        await store.RollbackAsync("kept", RollbackTarget.ToVersion(3));
        await store.CommitAsync(new StorageBatch().Write("batch/a", Bytes("a")).Write("batch/b", Bytes("b")));
        var before = await AllEntries(store);

        store = await ReopenAsync();
        Assert.SequenceEqual(before, await AllEntries(store));
        Assert.Equal("v3", Text(await store.ReadAsync("kept")));
        Assert.Equal("v5", Text(await store.ReadAsync("kept", 5)));
        Assert.Null(await store.ReadAsync("deleted"));
        Assert.Equal(7, (await store.WriteAsync("kept", Bytes("v7"))).Version);
        Assert.Equal(1, (await store.WriteAsync("deleted", Bytes("new"))).Version);
    }

    private static async Task<List<StorageEntry>> AllEntries(IStorageBackend store)
    {
        var all = new List<StorageEntry>();
        foreach (var entry in await store.ListAsync(""))
        {
            all.AddRange(await store.VersionsAsync(entry.Path));
        }
        return all;
    }
}
