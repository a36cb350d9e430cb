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
            var acknowledged = await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                string own = "own/" + w.ToString(CultureInfo.InvariantCulture);
                var shared = new List<(string Key, int Version, int Sequence)>();
                for (int s = 0; s < writes; s++)
                {
                    // Own keys have one writer, so their versions are known; shared keys are written by everyone at
                    // once, each value a size of its own, so a mixed-up acknowledgement cannot match by chance.
                    string key = s % 3 == 2 ? "shared/" + (s % 2).ToString(CultureInfo.InvariantCulture) : own;
                    var value = StorageContractTests.Stamp(w, s, 100 + (w * 61 + s) % 1900);
                    var entry = await store.WriteAsync(key, value);
                    Assert.Equal(key, entry.Path, $"writer {w}'s write {s} was acknowledged with another key");
                    Assert.Equal((long)value.Length, entry.Size, $"writer {w}'s write {s} was acknowledged with another size");
                    if (key == own)
                    {
                        Assert.Equal(s - s / 3 + 1, entry.Version, $"writer {w}'s write {s}: its own key's version");
                    }
                    else
                    {
                        shared.Add((key, entry.Version, s));
                    }
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
