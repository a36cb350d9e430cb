using System.Collections.Concurrent;
using AgentOS.Storage;
using AgentOS.Storage.Files;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Storage;

/// <summary>
/// Power loss, which killing a process cannot show (the page cache survives it): the store runs on a
/// <see cref="FaultInjectingDevice"/> while writers write, and at random moments the test takes the image a power cut
/// would leave — synced bytes only, perhaps a torn and garbled tail. Each image must reopen with every write that was
/// acknowledged before the cut, whole, and nothing corrupt: so no write is ever acknowledged before its sync.
/// </summary>
public sealed class FileStorePowerLossTests
{
    private static FileStoreOptions Options(bool groupCommit = true, int kept = 1_000_000) =>
        new() { SegmentBytes = 16 * 1024, VersionsKept = kept, GroupCommit = groupCommit, CompactionDeadRatio = kept < 100 ? 0.3 : 0.9 };

    private readonly record struct Ack(string Key, int Version, int Writer, int Sequence);

    [Test(TimeoutSeconds = 300)]
    public Task EveryAcknowledgedWriteSurvivesAPowerCut() => Run(groupCommit: true);

    [Test(TimeoutSeconds = 300)]
    public Task EveryAcknowledgedWriteSurvivesAPowerCutWithoutGroupCommit() => Run(groupCommit: false);

    /// <summary>Few versions kept and tiny segments: old versions die fast and compaction moves and deletes segments
    /// while the cuts happen. An acknowledged write may then be gone only because newer versions pushed it out.</summary>
    [Test(TimeoutSeconds = 300)]
    public Task EveryAcknowledgedWriteSurvivesAPowerCutDuringCompaction() => Run(groupCommit: true, kept: 3);

    private static async Task Run(bool groupCommit, int kept = 1_000_000)
    {
        int compacted = 0;
        int rounds = TestEnvironment.Scale(4, 40), cutsPerRound = 6;
        var random = new Random(groupCommit ? 11 : 12);
        for (int round = 0; round < rounds; round++)
        {
            var device = new FaultInjectingDevice();
            var acks = new ConcurrentQueue<Ack>();
            var cuts = new List<(FaultInjectingDevice Image, Ack[] AckedBefore)>();
            await using (var store = FileStore.Open(device, Options(groupCommit, kept)))
            {
                using var stop = new CancellationTokenSource();
                var writers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
                {
                    var mine = new Random(round * 100 + w);
                    for (int s = 0; !stop.IsCancellationRequested; s++)
                    {
                        string key = $"k{mine.Next(8)}";
                        var value = StorageContractTests.Stamp(w, s, mine.Next(12, 600));
                        if (s % 4 == 3)
                        {
                            string other = $"k{mine.Next(8)}";
                            var entries = await store.CommitAsync(new StorageBatch().Write(key, value).Write(other, StorageContractTests.Stamp(w, s, 40)));
                            acks.Enqueue(new Ack(key, entries[0]!.Version, w, s));
                            acks.Enqueue(new Ack(other, entries[1]!.Version, w, s));
                        }
                        else
                        {
                            acks.Enqueue(new Ack(key, (await store.WriteAsync(key, value)).Version, w, s));
                        }
                    }
                })).ToList();
                for (int cut = 0; cut < cutsPerRound; cut++)
                {
                    await Task.Delay(random.Next(1, 15));
                    // The acknowledgements first, then the image: each of these writes completed before the cut.
                    var acked = acks.ToArray();
                    cuts.Add((device.PowerLoss(random), acked));
                }
                await stop.CancelAsync();
                await Task.WhenAll(writers);
                Assert.Null(store.MaintenanceError, "background maintenance failed");
                compacted += store.SegmentsCompacted;
            }
            foreach (var (image, acked) in cuts)
            {
                await VerifyAsync(image, acked, random, kept);
            }
        }
        if (kept < 100)
        {
            Assert.True(compacted > 0, "compaction ran while the power was being cut");
        }
    }

    private static async Task VerifyAsync(FaultInjectingDevice image, Ack[] acked, Random random, int kept)
    {
        Ack[] more;
        FaultInjectingDevice second;
        await using (var store = FileStore.Open(image, Options(kept: kept)))
        {
            await CheckAsync(store, acked, "after the cut", kept);
            // Writing on after recovery (over a cut-off torn tail) and losing power again loses nothing either.
            var list = new List<Ack>();
            for (int s = 0; s < 10; s++)
            {
                string key = $"k{s % 3}";
                list.Add(new Ack(key, (await store.WriteAsync(key, StorageContractTests.Stamp(99, s, 100))).Version, 99, s));
            }
            more = [.. acked, .. list];
            second = image.PowerLoss(random);
        }
        await using (var store = FileStore.Open(second, Options(kept: kept)))
        {
            await CheckAsync(store, more, "after a second cut", kept);
        }
    }

    private static async Task CheckAsync(FileStore store, Ack[] acked, string when, int kept)
    {
        foreach (var ack in acked)
        {
            var latest = await store.StatAsync(ack.Key);
            Assert.True(latest is not null && latest.Version >= ack.Version, $"{when}: acknowledged write {ack.Writer}/{ack.Sequence} ({ack.Key} v{ack.Version}) is missing: the key is at v{latest?.Version ?? 0}");
            if (ack.Version <= latest!.Version - kept)
            {
                continue; // pushed out by newer versions, as configured
            }
            var value = await store.ReadAsync(ack.Key, ack.Version);
            Assert.True(value is not null, $"{when}: acknowledged write {ack.Writer}/{ack.Sequence} ({ack.Key} v{ack.Version}) is missing");
            var (writer, sequence) = StorageContractTests.CheckStamp(value!.Value.Data.Span, $"{when}: {ack.Key} v{ack.Version}");
            Assert.Equal((ack.Writer, ack.Sequence), (writer, sequence), $"{when}: {ack.Key} v{ack.Version} holds another write");
        }
        // Nothing else is corrupt either: every version of every key reads back whole.
        foreach (var entry in await store.ListAsync(""))
        {
            var versions = await store.VersionsAsync(entry.Path);
            Assert.SequenceEqual(Enumerable.Range(versions[0].Version, versions.Count), versions.Select(v => v.Version), $"{when}: {entry.Path}'s versions have a gap");
            foreach (var version in versions)
            {
                StorageContractTests.CheckStamp(Assert.NotNull(await store.ReadAsync(entry.Path, version.Version)).Data.Span, $"{when}: {entry.Path} v{version.Version}");
            }
        }
    }
}
