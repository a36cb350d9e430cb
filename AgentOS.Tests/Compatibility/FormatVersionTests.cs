using System.Buffers.Binary;
using System.Text;
using AgentOS.Access;
using AgentOS.Context;
using AgentOS.Events;
using AgentOS.Formats;
using AgentOS.Kernel;
using AgentOS.Sdk;
using AgentOS.Storage;
using AgentOS.Storage.Files;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Compatibility;

/// <summary>Every versioned writer writes its version; every reader refuses a newer one with a typed error that says
/// how to migrate, and changes nothing; damaged files give typed errors, never wrong data.</summary>
public sealed class FormatVersionTests
{
    [Test]
    public async Task TheFileStoreWritesAVersionedHeaderOnEverySegmentItStarts()
    {
        using var folder = new TempDirectory("agentos-format");
        await using (var store = FileStore.Open(folder.Path, new FileStoreOptions { SegmentBytes = 4096 }))
        {
            for (int i = 0; i < 10; i++)
            {
                await store.WriteAsync($"k/{i}", new byte[1000]);
            }
        }
        var segments = Directory.GetFiles(folder.Path, "segment-*.log");
        Assert.True(segments.Length >= 3, $"{segments.Length} segments");
        foreach (var segment in segments)
        {
            var header = File.ReadAllBytes(segment)[..16];
            Assert.SequenceEqual("AOSSEGMT"u8.ToArray(), header[..8], segment);
            Assert.Equal((uint)FormatVersions.FileStoreSegment, BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(8)), segment);
        }
        Assert.SequenceEqual("AOSCKPT1"u8.ToArray(), File.ReadAllBytes(Directory.GetFiles(folder.Path, "checkpoint-*.idx").Single())[..8]);
        await using var again = FileStore.Open(folder.Path);
        Assert.Equal(1000, (await again.ReadAsync("k/9"))!.Value.Data.Length);
    }

    [Test]
    public async Task AnEmptyOrTornHeaderInTheLastSegmentIsRewrittenAndTheStoreWorks()
    {
        // An empty segment is what 2c35f17 left on creating a store; a segment holding only part of its header is a
        // crash while a new segment was being started. Neither holds a frame.
        foreach (var start in new[] { Array.Empty<byte>(), "AOSSE"u8.ToArray(), "AOSSEGMT\u0001\u0000"u8.ToArray() })
        {
            using var folder = new TempDirectory("agentos-format");
            File.WriteAllBytes(folder.Combine("segment-00000001.log"), start);
            await using (var store = FileStore.Open(folder.Path))
            {
                await store.WriteAsync("k", "v"u8.ToArray());
            }
            var bytes = File.ReadAllBytes(folder.Combine("segment-00000001.log"));
            Assert.SequenceEqual("AOSSEGMT"u8.ToArray(), bytes[..8]);
            Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
            File.Delete(Directory.GetFiles(folder.Path, "checkpoint-*.idx").Single());
            await using var again = FileStore.Open(folder.Path);
            Assert.SequenceEqual("v"u8.ToArray(), (await again.ReadAsync("k"))!.Value.Data.ToArray());
        }
    }

    [Test]
    public async Task ASegmentOfANewerVersionIsRefusedAndLeftUntouched()
    {
        using var fixture = new DataFolderFixture();
        await using (var kernel = fixture.StartKernel())
        {
            await new AgentContext("alice", kernel.Port).Storage.WriteTextAsync("agents/alice/x", "x"); // a versioned segment 4
        }
        string newest = Path.Combine(fixture.Storage, "segment-00000004.log");
        var bytes = File.ReadAllBytes(newest);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 2);
        File.WriteAllBytes(newest, bytes);

        var refused = Assert.Throws<FormatVersionException>(() => fixture.StartKernel());
        AssertSaysHowToMigrate(refused, "file-store segment", 2);
        Assert.Contains("segment-00000004.log", refused.Path);
        Assert.SequenceEqual(bytes, File.ReadAllBytes(newest), "the refused file is not changed");
        // The refusal closed what it opened: the folder is not locked.
        Assert.Throws<FormatVersionException>(() => FileStore.Open(fixture.Storage));
    }

    [Test]
    public void ACheckpointOfANewerVersionIsRefused()
    {
        using var fixture = new DataFolderFixture();
        string checkpoint = Directory.GetFiles(fixture.Storage, "checkpoint-*.idx").Single();
        var bytes = File.ReadAllBytes(checkpoint);
        bytes[7] = (byte)'2';
        File.WriteAllBytes(checkpoint, bytes);
        AssertSaysHowToMigrate(Assert.Throws<FormatVersionException>(() => FileStore.Open(fixture.Storage)), "file-store checkpoint", 2);
    }

    [Test]
    public async Task AConversationSnapshotOfANewerVersionStopsTheKernelFromStartingRatherThanBeingOverwritten()
    {
        using var fixture = new DataFolderFixture();
        string key = ConversationStore.Key("alice", "default");
        await using (var kernel = fixture.StartKernel())
        {
            await new AgentContext("alice", kernel.Port).Planning.ChatAsync("A turn by the current kernel.");
            var written = Encoding.UTF8.GetString((await kernel.Storage.ReadAsync(key))!.Value.Data.Span);
            Assert.True(written.StartsWith("{\"format_version\":1,", StringComparison.Ordinal), written);
            await kernel.Storage.WriteAsync(key, Encoding.UTF8.GetBytes(written.Replace("\"format_version\":1,", "\"format_version\":2,\"summary\":\"new\",", StringComparison.Ordinal)));
        }
        AssertSaysHowToMigrate(Assert.Throws<FormatVersionException>(() => fixture.StartKernel()), "conversation snapshot", 2);
    }

    [Test]
    public async Task AnEventLogOfANewerVersionIsRefusedAndNothingIsPublished()
    {
        using var folder = new TempDirectory("agentos-format");
        string path = folder.Combine("events.jsonl");
        var bus = new EventBus();
        bus.Types.Register(AgentEvent.TypeName, AgentOS.Serialization.AgentOSJsonContext.Default.AgentEvent);
        await using (var log = EventLog.Create(bus, path).Include<AgentEvent>())
        {
            bus.Publish(new AgentEvent("a", AgentStage.Started, DateTimeOffset.UnixEpoch));
        }
        Assert.Equal("{\"format\":\"agentos.events\",\"format_version\":1}", File.ReadLines(path).First());
        Assert.Equal(1L, new EventLogReader(path, bus.Types).Validate());

        File.WriteAllText(path, File.ReadAllText(path).Replace("\"format_version\":1", "\"format_version\":2", StringComparison.Ordinal));
        var replay = new EventBus(bus.Types);
        int seen = 0;
        replay.Subscribe<AgentEvent>(_ => seen++);
        AssertSaysHowToMigrate(Assert.Throws<FormatVersionException>(() => new EventLogReader(path, bus.Types).ReplayInto(replay)), "event log", 2);
        await replay.DisposeAsync();
        Assert.Equal(0, seen);
    }

    [Test]
    public void AConfigOrPolicyOfANewerVersionIsRefusedForItsVersionNotForItsNewKeys()
    {
        var config = Assert.Throws<KernelConfigException>(() => KernelConfig.Parse("{ \"format_version\": 2, \"a_key_from_the_future\": 1 }", "config.json"));
        AssertSaysHowToMigrate(Assert.NotNull(config.InnerException as FormatVersionException), "kernel config", 2);
        Assert.Equal((int?)1, KernelConfig.Parse("{ \"format_version\": 1 }").FormatVersion);

        var policy = Assert.Throws<AccessPolicyException>(() => AccessPolicy.FromJson("{ \"format_version\": 3, \"groups\": [], \"credentials\": [] }"));
        AssertSaysHowToMigrate(Assert.NotNull(policy.InnerException as FormatVersionException), "access policy", 3);
        var written = AccessPolicy.CreateBuilder().AddGroup("g", _ => { }).Build().ToJson();
        Assert.Contains("\"format_version\": 1", written);
        Assert.Equal(1, AccessPolicy.FromJson(written).FormatVersion);
    }

    [Test]
    public void AGenerationSnapshotOfAnotherVersionIsRefused()
    {
        var bytes = new GenerationSnapshot { Backend = "echo", Text = "t" }.ToBytes();
        Assert.Equal((ushort)GenerationSnapshot.FormatVersion, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), 2);
        Assert.Contains("format version 2", Assert.Throws<SnapshotFormatException>(() => GenerationSnapshot.FromBytes(bytes)).Message);
    }

    [Test]
    public async Task AGarbledValueInA2c35f17SegmentIsATypedErrorNotWrongData()
    {
        using var fixture = new DataFolderFixture();
        string segment = Path.Combine(fixture.Storage, "segment-00000001.log");
        var bytes = File.ReadAllBytes(segment);
        int at = bytes.AsSpan().IndexOf("page 0: "u8);
        Assert.True(at > 0, "the fixture's first segment holds page 0");
        bytes[at + 20] ^= 0x20;
        File.WriteAllBytes(segment, bytes);
        await using var kernel = fixture.StartKernel();
        await Assert.ThrowsAsync<StorageCorruptException>(async () => await kernel.Storage.ReadAsync("agents/alice/page-00.txt"));
        Assert.Equal("bob's secret", await new AgentContext("bob", kernel.Port).Storage.ReadTextAsync("agents/bob/secret.txt"));
    }

    [Test]
    public void ATruncated2c35f17EventLogIsATypedErrorNamingTheLine()
    {
        using var fixture = new DataFolderFixture();
        string path = Path.Combine(fixture.Data, "events.jsonl");
        var text = File.ReadAllText(path);
        File.WriteAllText(path, text[..(text.Length - 30)]);
        var types = new EventTypes();
        types.Register(AgentOS.Syscalls.SyscallEvent.TypeName, AgentOS.Serialization.AgentOSJsonContext.Default.SyscallEvent);
        types.Register(AgentEvent.TypeName, AgentOS.Serialization.AgentOSJsonContext.Default.AgentEvent);
        var error = Assert.Throws<MalformedEventLineException>(() => new EventLogReader(path, types).Validate());
        Assert.Equal(fixture.Manifest.GetProperty("events").GetProperty("lines").GetInt64(), error.LineNumber);
    }

    private static void AssertSaysHowToMigrate(FormatVersionException refused, string kind, long found)
    {
        Assert.Equal(kind, refused.Kind);
        Assert.Equal(found, refused.Found);
        Assert.Contains($"format version {found}", refused.Message);
        Assert.Contains("newer AgentOS: run that version", refused.Message);
    }
}
