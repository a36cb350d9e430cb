using System.Globalization;
using AgentOS.Storage.Files;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Storage;

/// <summary>
/// The write path's reuse, checked where it could go wrong: a single write's commit is recycled by its writer for the
/// next write, and a key's kept versions are a window appended in place (its records shared with background
/// checkpoints). A commit handed out twice, or a result read from a recycled one, shows up as an acknowledgement with
/// another writer's key, size or version; a window overwritten under a snapshot, as kept versions out of order or
/// reading another version's value.
/// </summary>
public sealed class FileStoreHotPathTests
{
    [Test(TimeoutSeconds = 120)]
    public async Task EveryWriterGetsExactlyItsOwnAcknowledgements()
    {
        using var folder = new TempDirectory("agentos-hotpath");
        int writers = 64, writes = TestEnvironment.Scale(60, 600);
        var store = FileStore.Open(folder.Path, new FileStoreOptions { VersionsKept = 4 });
        await using (store)
        {
            // Each of the 64 writers is a chain of short tasks of a few writes each, so fresh tasks keep starting
            // on threads whose last task just gave a commit back: where a recycled commit could be handed out twice.
            var acknowledged = await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                string own = "own/" + w.ToString(CultureInfo.InvariantCulture);
                var shared = new List<(string Key, int Version, int Sequence)>();
                for (int s = 0; s < writes;)
                {
                    int from = s, to = Math.Min(writes, s + 1 + (w + s) % 5);
                    shared.AddRange(await Task.Run(async () =>
                    {
                        var mine = new List<(string Key, int Version, int Sequence)>();
                        for (int t = from; t < to; t++)
                        {
                            mine.AddRange(await WriteAndCheck(store, w, t, own));
                        }
                        return mine;
                    }));
                    s = to;
                }
                return shared;
            })));
            foreach (var group in acknowledged.SelectMany(a => a).GroupBy(a => a.Key))
            {
                Assert.SequenceEqual(Enumerable.Range(1, group.Count()), group.Select(a => a.Version).Order(), $"{group.Key}'s versions are each acknowledged once");
            }
            for (int w = 0; w < writers; w++)
            {
                string own = "own/" + w.ToString(CultureInfo.InvariantCulture);
                var versions = (await store.VersionsAsync(own)).Select(v => v.Version).ToList();
                int last = writes - writes / 3;
                Assert.SequenceEqual(Enumerable.Range(last - 3, 4), versions, $"{own} keeps its last 4 versions");
                foreach (int version in versions)
                {
                    var value = Assert.NotNull(await store.ReadAsync(own, version));
                    Assert.Equal(w, StorageContractTests.CheckStamp(value.Data.Span, $"{own} v{version}").Writer);
                }
            }
        }
    }

    [Test(TimeoutSeconds = 120)]
    public async Task WritesStartedTogetherRightAfterAWriteEachGetTheirOwn()
    {
        using var folder = new TempDirectory("agentos-hotpath");
        int writers = 16, rounds = TestEnvironment.Scale(50, 500);
        await using var store = FileStore.Open(folder.Path);
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            string prefix = "fan/" + w.ToString(CultureInfo.InvariantCulture) + "/";
            for (int r = 0; r < rounds; r++)
            {
                // Resuming from a write leaves its commit cached on this thread; the two writes started next, before
                // either is awaited, must not both take it.
                var first = await store.WriteAsync(prefix + "first", StorageContractTests.Stamp(w, r, 64));
                Assert.Equal(r + 1, first.Version, $"{prefix}first v{r + 1}");
                var a = store.WriteAsync(prefix + "a", StorageContractTests.Stamp(w, r, 100 + r % 50)).AsTask();
                var b = store.WriteAsync(prefix + "b", StorageContractTests.Stamp(w, r, 200 + r % 50)).AsTask();
                var (ea, eb) = (await a, await b);
                Assert.Equal((prefix + "a", r + 1, 100L + r % 50), (ea.Path, ea.Version, ea.Size), "the first of two writes started together");
                Assert.Equal((prefix + "b", r + 1, 200L + r % 50), (eb.Path, eb.Version, eb.Size), "the second of two writes started together");
            }
            foreach (string key in new[] { "a", "b" })
            {
                var value = Assert.NotNull(await store.ReadAsync(prefix + key));
                Assert.Equal((w, rounds - 1), StorageContractTests.CheckStamp(value.Data.Span, prefix + key));
            }
        })));
    }

    // Own keys have one writer, so their versions are known; shared keys are written by everyone at once, each value
    // a size of its own, so a mixed-up acknowledgement cannot match by chance. Returns the shared write, if any.
    private static async Task<List<(string Key, int Version, int Sequence)>> WriteAndCheck(FileStore store, int w, int s, string own)
    {
        string key = s % 3 == 2 ? "shared/" + (s % 2).ToString(CultureInfo.InvariantCulture) : own;
        var value = StorageContractTests.Stamp(w, s, 100 + (w * 61 + s) % 1900);
        var entry = await store.WriteAsync(key, value);
        Assert.Equal(key, entry.Path, $"writer {w}'s write {s} was acknowledged with another key");
        Assert.Equal((long)value.Length, entry.Size, $"writer {w}'s write {s} was acknowledged with another size");
        if (key != own)
        {
            return [(key, entry.Version, s)];
        }
        Assert.Equal(s - s / 3 + 1, entry.Version, $"writer {w}'s write {s}: its own key's version");
        return [];
    }

    [Test(TimeoutSeconds = 120)]
    public async Task KeptVersionsSurviveCheckpointsTakenWhileWriting()
    {
        using var folder = new TempDirectory("agentos-hotpath");
        var options = new FileStoreOptions { VersionsKept = 3, SegmentBytes = 8 * 1024 };
        int writes = TestEnvironment.Scale(300, 3000);
        var expected = new Dictionary<string, List<(int Version, int Sequence)>>();
        var store = FileStore.Open(folder.Path, options);
        await using (store)
        {
            // Small segments: a seal, and so a snapshot written in the background, every few writes, while the
            // flusher goes on appending to the same keys' windows; plus explicit maintenance runs.
            var maintaining = Task.Run(async () =>
            {
                for (int i = 0; i < 20; i++)
                {
                    await store.MaintainAsync();
                }
            });
            for (int s = 0; s < writes; s++)
            {
                string key = "k" + (s % 5).ToString(CultureInfo.InvariantCulture);
                var entry = await store.WriteAsync(key, StorageContractTests.Stamp(0, s, 200 + s % 700));
                var list = expected.TryGetValue(key, out var l) ? l : expected[key] = [];
                list.Add((entry.Version, s));
            }
            await maintaining;
        }
        foreach (bool keepCheckpoint in new[] { true, false })
        {
            if (!keepCheckpoint)
            {
                foreach (var file in Directory.GetFiles(folder.Path, "checkpoint-*"))
                {
                    File.Delete(file);
                }
            }
            await using var reopened = FileStore.Open(folder.Path, options);
            foreach (var (key, list) in expected)
            {
                var kept = list.TakeLast(3).ToList();
                var versions = (await reopened.VersionsAsync(key)).Select(v => v.Version).ToList();
                Assert.SequenceEqual(kept.Select(k => k.Version), versions, $"{key}'s kept versions (checkpoint kept: {keepCheckpoint})");
                foreach (var (version, sequence) in kept)
                {
                    var value = Assert.NotNull(await reopened.ReadAsync(key, version));
                    Assert.Equal(sequence, StorageContractTests.CheckStamp(value.Data.Span, $"{key} v{version}").Sequence);
                }
            }
        }
    }
}
