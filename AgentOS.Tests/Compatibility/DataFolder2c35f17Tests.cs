using System.Text.Json;
using AgentOS.Access;
using AgentOS.Context;
using AgentOS.Events;
using AgentOS.Kernel;
using AgentOS.Sdk;
using AgentOS.Syscalls.Errors;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Compatibility;

/// <summary>
/// The current kernel opens a data folder written by commit 2c35f17 (Fixtures/data-2c35f17, before files carried
/// format versions) and reads back everything its manifest records; then, upgraded in place, opens it again.
/// </summary>
public sealed class DataFolder2c35f17Tests
{
    [Test]
    public async Task TheCurrentKernelReadsBackEverything2c35f17WroteAndAgainAfterWritingToIt()
    {
        using var fixture = new DataFolderFixture();
        var manifest = fixture.Manifest;
        int auditBefore;
        await using (var kernel = fixture.StartKernel())
        {
            // The audit log is read before this kernel adds to it.
            AssertAuditMatches(manifest, kernel.Audit.ReadAll());
            auditBefore = kernel.Audit.ReadAll().Count;
            await AssertEverythingReadsBackAsync(kernel, manifest);

            // Writing upgrades in place: new commits go to a segment with a header, the conversation gets a version.
            var alice = new AgentContext("alice", kernel.Port);
            await alice.Storage.WriteTextAsync("agents/alice/after-upgrade.txt", "written by the current kernel");
            string later = await alice.Memory.AddAsync("Added after the upgrade.");
            foreach (var item in manifest.GetProperty("memory").EnumerateArray().Concat(manifest.GetProperty("memory_removed").EnumerateArray()))
            {
                Assert.True(MemoryNumber(later) > MemoryNumber(item.GetProperty("id").GetString()!), $"new id {later} reuses or precedes {item.GetProperty("id")}");
            }
        }
        var segments = Directory.GetFiles(fixture.Storage, "segment-*.log").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(4, segments.Count, "the 2c35f17 active segment is sealed as it is and a new, versioned one started");
        Assert.SequenceEqual("AOSSEGMT"u8.ToArray(), File.ReadAllBytes(segments[^1])[..8]);
        Assert.SequenceEqual(File.ReadAllBytes(Path.Combine(RepoPaths.Root, "AgentOS.Tests", "Fixtures", "data-2c35f17", "data", "storage", "segment-00000001.log")),
            File.ReadAllBytes(segments[0]), "a sealed version-0 segment is read as it is, never rewritten on open");

        // Mixed folder: version-0 and version-1 segments, old records and new ones.
        await using (var kernel = fixture.StartKernel())
        {
            await AssertEverythingReadsBackAsync(kernel, manifest);
            var alice = new AgentContext("alice", kernel.Port);
            Assert.Equal("written by the current kernel", await alice.Storage.ReadTextAsync("agents/alice/after-upgrade.txt"));
            Assert.Equal("Added after the upgrade.", (await alice.Memory.SearchAsync("after the upgrade", 1)).Single().Content);
            var audit = kernel.Audit.ReadAll();
            Assert.True(audit.Count > auditBefore, "the current kernel appended to the 2c35f17 audit log");
            AssertAuditMatches(manifest, audit.Take(auditBefore).ToList());
        }
    }

    [Test]
    public async Task WithoutItsCheckpointThe2c35f17LogIsReplayedFromTheFirstSegment()
    {
        // As after a crash before the close that writes the checkpoint: every version-0 segment is replayed.
        using var fixture = new DataFolderFixture();
        File.Delete(Directory.GetFiles(fixture.Storage, "checkpoint-*.idx").Single());
        await using var kernel = fixture.StartKernel();
        await AssertEverythingReadsBackAsync(kernel, fixture.Manifest);
    }

    [Test]
    public async Task The2c35f17EventLogReplaysAndStaysReadableWhenTheCurrentKernelAppendsToIt()
    {
        using var fixture = new DataFolderFixture();
        var events = fixture.Manifest.GetProperty("events");
        string path = Path.Combine(fixture.Data, "events.jsonl");
        await using var kernel = fixture.StartKernel();
        var types = kernel.Events.Types;
        Assert.Equal(events.GetProperty("lines").GetInt64(), new EventLogReader(path, types).Validate());

        var replayed = new EventBus(types);
        var syscalls = new List<AgentOS.Syscalls.SyscallEvent>();
        var agents = new List<AgentEvent>();
        var spill = new SubscriptionOptions { Overflow = OverflowPolicy.SpillToFile, Capacity = 64 };
        replayed.Subscribe<AgentOS.Syscalls.SyscallEvent>(syscalls.Add, spill);
        replayed.Subscribe<AgentEvent>(agents.Add, spill);
        Assert.Equal(events.GetProperty("lines").GetInt64(), new EventLogReader(path, types).ReplayInto(replayed));
        await replayed.DisposeAsync();
        Assert.Equal(events.GetProperty("syscall").GetInt32(), syscalls.Count);
        Assert.Equal(events.GetProperty("agent").GetInt32(), agents.Count);
        Assert.Equal("echo", agents[0].Agent);

        // Appending keeps the file's own format (version 0: no format line in the middle of it).
        await using (var log = EventLog.Create(kernel.Events, path, new EventLogOptions { Append = true }).Include<AgentEvent>())
        {
            kernel.Events.Publish(new AgentEvent("appended", AgentStage.Started, DateTimeOffset.UnixEpoch));
        }
        Assert.Equal(events.GetProperty("lines").GetInt64() + 1, new EventLogReader(path, types).Validate());
        Assert.False(File.ReadAllText(path).Contains("format_version", StringComparison.Ordinal), "no format line appended to a version-0 log");
    }

    [Test]
    public void The2c35f17ConfigAndPolicyFilesLoadAsVersionZero()
    {
        using var fixture = new DataFolderFixture();
        var config = KernelConfig.Load(fixture.Combine("config.json"));
        Assert.Null(config.FormatVersion);
        Assert.Equal(5, config.Storage!.VersionsKept);
        var policy = AccessPolicy.Load(fixture.Combine("policy.json"));
        Assert.SequenceEqual(new[] { "alice", "bob" }, policy.Agents.Select(a => a.Id));
        Assert.Contains("\"format_version\": 1", policy.ToJson());
    }

    private static async Task AssertEverythingReadsBackAsync(AgentKernel kernel, JsonElement manifest)
    {
        // Storage: every key's newest value, the versions of one, binary bytes, and the deleted key still deleted.
        foreach (var entry in manifest.GetProperty("storage").EnumerateObject())
        {
            Assert.Equal(entry.Value.GetString(), await Owner(kernel, entry.Name).Storage.ReadTextAsync(entry.Name), entry.Name);
        }
        var alice = new AgentContext("alice", kernel.Port);
        var notes = manifest.GetProperty("notes_versions").EnumerateArray().Select(v => v.GetString()!).ToList();
        var versions = await alice.Storage.VersionsAsync("agents/alice/notes.txt");
        Assert.Equal(notes.Count, versions.Count);
        for (int i = 0; i < notes.Count; i++)
        {
            Assert.Equal(notes[i], await alice.Storage.ReadTextAsync("agents/alice/notes.txt", versions[i].Version));
        }
        Assert.SequenceEqual(Convert.FromBase64String(manifest.GetProperty("binary_base64").GetString()!), await alice.Storage.ReadAsync(manifest.GetProperty("binary_key").GetString()!));
        foreach (var deleted in manifest.GetProperty("deleted").EnumerateArray())
        {
            Assert.Null(await kernel.Storage.ReadAsync(deleted.GetString()!));
        }

        // Memory: each item as written, the removed one gone, and search finds by content.
        foreach (var item in manifest.GetProperty("memory").EnumerateArray())
        {
            var context = new AgentContext(item.GetProperty("owner").GetString()!, kernel.Port);
            var read = await context.Memory.GetAsync(item.GetProperty("id").GetString()!);
            Assert.Equal(item.GetProperty("content").GetString(), read.Content);
            Assert.SequenceEqual(item.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!), read.Tags);
            Assert.Equal(item.GetProperty("importance").GetSingle(), read.Importance);
        }
        foreach (var removed in manifest.GetProperty("memory_removed").EnumerateArray())
        {
            await Assert.ThrowsAsync<InvalidRequestException>(async () =>
                await new AgentContext(removed.GetProperty("owner").GetString()!, kernel.Port).Memory.GetAsync(removed.GetProperty("id").GetString()!));
        }
        var search = manifest.GetProperty("memory_search");
        var found = await new AgentContext(search.GetProperty("owner").GetString()!, kernel.Port).Memory.SearchAsync(search.GetProperty("text").GetString()!, 3);
        Assert.Equal(search.GetProperty("first_id").GetString(), found[0].Id);

        // The kernel-kept conversation and the suspended generation.
        var conversation = manifest.GetProperty("conversation");
        var context0 = Assert.NotNull(kernel.Contexts.Find(conversation.GetProperty("agent").GetString()!, conversation.GetProperty("id").GetString()!));
        Assert.SequenceEqual(
            conversation.GetProperty("messages").EnumerateArray().Select(m => (m.GetProperty("role").GetString(), m.GetProperty("content").GetString(), m.GetProperty("tokens").GetInt32())),
            context0.Messages.Select(m => ((string?)m.Role, (string?)m.Content, m.Tokens)));
        Assert.Equal(conversation.GetProperty("prompt_tokens").GetInt64(), context0.PromptTokensUsed);
        Assert.Equal(conversation.GetProperty("completion_tokens").GetInt64(), context0.CompletionTokensUsed);
        var generation = manifest.GetProperty("generation");
        var snapshot = Assert.NotNull(await new GenerationStore(kernel.Storage).LoadAsync(generation.GetProperty("key").GetString()!, generation.GetProperty("fingerprint").GetString()!));
        Assert.Equal(generation.GetProperty("backend").GetString(), snapshot.Backend);
        Assert.Equal(generation.GetProperty("text").GetString(), snapshot.Text);
        Assert.Equal(generation.GetProperty("completion_tokens").GetInt32(), snapshot.CompletionTokens);
    }

    private static void AssertAuditMatches(JsonElement manifest, IReadOnlyList<AuditRecord> records)
    {
        var expected = manifest.GetProperty("audit").EnumerateArray().ToList();
        Assert.Equal(expected.Count, records.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var e = expected[i];
            var r = records[i];
            Assert.Equal(
                $"{e.GetProperty("agent").GetString()} {e.GetProperty("resource").GetString()} {e.GetProperty("operation").GetString()} {e.GetProperty("target").GetString()} {e.GetProperty("decision").GetString()} {e.GetProperty("reason").GetString()} {e.GetProperty("approver").GetString()}",
                $"{r.Agent} {r.Resource} {r.Operation} {r.Target} {r.Decision} {r.Reason} {r.Approver}", $"audit record {i}");
        }
        Assert.True(records.Any(r => r.Decision == AuditDecision.Approved) && records.Any(r => r.Decision == AuditDecision.Denied) && records.Any(r => r.Decision == AuditDecision.Allowed),
            "the fixture holds allowed, approved and denied records");
    }

    private static AgentContext Owner(AgentKernel kernel, string key) => new(key.Split('/')[1], kernel.Port);

    private static long MemoryNumber(string id) => long.Parse(id.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
}
