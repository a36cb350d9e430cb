using AgentOS.Access;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Time;
using static AgentOS.Tests.Access.AccessFixture;

namespace AgentOS.Tests.Access;

/// <summary>The audit log: allowed decisions in batches, durable records at once, counts, reading back.</summary>
public sealed class AuditLogTests
{
    [Test]
    public async Task AllowedDecisionsAppearInTheFileAfterAFlush()
    {
        using var fixture = new AccessFixture();
        for (int i = 0; i < 3; i++)
        {
            Assert.True(fixture.Manager.Check(Tool("alice", "search")).Allowed);
        }
        Assert.True(fixture.Manager.Check(LlmAccess("alice", "local", tokens: 42)).Allowed);
        await fixture.Audit.FlushAsync();
        Assert.Equal(4L, fixture.Audit.AllowedRecorded);
        Assert.Equal(0, fixture.Audit.AllowedPending);
        // The three identical tool calls of one batch are one record counting three.
        var records = fixture.AuditOnDisk();
        Assert.Equal(2, records.Count);
        Assert.True(records.All(r => r.Decision == AuditDecision.Allowed && r.Agent == "alice"));
        Assert.Equal((3, "search"), (records[0].Decisions, records[0].Target));
        Assert.Equal((1, 42, "local"), (records[1].Decisions, records[1].Tokens, records[1].Target));
        Assert.Equal(ResourceKind.Llm, records[1].Resource);
        Assert.Equal(4, records.Sum(r => r.Decisions));
    }

    [Test]
    public async Task AllowedDecisionsAlikeButForTheirTimeAreOneRecordWithTheirCountSpanAndTokens()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("audit.jsonl");
        var start = ManualTimeProvider.DefaultStart;
        await using (var log = AuditLog.Open(path, new AuditLogOptions { TimeProvider = new ManualTimeProvider() }))
        {
            // Out of time order on purpose: threads read the clock before they publish.
            log.RecordAllowed(start.AddSeconds(2), "alice", ResourceKind.Llm, AccessOperation.Generate, "local", tokens: 10);
            log.RecordAllowed(start.AddSeconds(1), "bob", ResourceKind.Llm, AccessOperation.Generate, "local", tokens: 5);
            log.RecordAllowed(start, "alice", ResourceKind.Llm, AccessOperation.Generate, "local", tokens: 20);
            log.RecordAllowed(start.AddSeconds(3), "alice", ResourceKind.Llm, AccessOperation.Generate, "other", tokens: 1);
            log.RecordAllowed(start.AddSeconds(5), "alice", ResourceKind.Llm, AccessOperation.Generate, "local", tokens: int.MaxValue - 30);
            log.RecordAllowed(start.AddSeconds(6), "alice", ResourceKind.Llm, AccessOperation.Generate, "local", tokens: 1);
        }
        var records = AuditLog.ReadFile(path);
        Assert.SequenceEqual(
            [
                $"alice local 3 {int.MaxValue} {start:O}..{start.AddSeconds(5):O}",
                $"bob local 1 5 {start.AddSeconds(1):O}..",
                $"alice other 1 1 {start.AddSeconds(3):O}..",
                // The sum would not fit the record's int: the same key starts another record.
                $"alice local 1 1 {start.AddSeconds(6):O}..",
            ],
            records.Select(r => $"{r.Agent} {r.Target} {r.Decisions} {r.Tokens} {r.Time:O}..{r.Until:O}"));
        Assert.Null(records[1].Count);
        var line = File.ReadLines(path).Skip(1).First();
        Assert.Contains("\"count\":3", line);
        Assert.Contains("\"until\":", line);
        Assert.DoesNotContain("\"count\"", File.ReadLines(path).Skip(2).First());
    }

    [Test]
    public async Task WithCoalescingOffEveryAllowedDecisionIsItsOwnRecord()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("audit.jsonl");
        await using (var log = AuditLog.Open(path, new AuditLogOptions { TimeProvider = new ManualTimeProvider(), CoalesceAllowed = false }))
        {
            for (int i = 0; i < 5; i++)
            {
                log.RecordAllowed(ManualTimeProvider.DefaultStart, "alice", ResourceKind.Tool, AccessOperation.Call, "search");
            }
        }
        var records = AuditLog.ReadFile(path);
        Assert.Equal(5, records.Count);
        Assert.True(records.All(r => r.Count is null));
    }

    [Test]
    public async Task AllowedDecisionsAreWrittenOnceTheFlushIntervalPasses()
    {
        using var fixture = new AccessFixture();
        Assert.True(fixture.Manager.Check(Tool("alice", "search")).Allowed);
        Assert.Equal(1, fixture.Audit.AllowedPending);
        Assert.Equal(1, fixture.Time.ActiveTimerCount, "the first record armed the flush timer");
        fixture.Time.Advance(TimeSpan.FromMilliseconds(50));
        await WaitUntil(() => fixture.Audit.AllowedRecorded == 1);
        Assert.Equal(1, fixture.AuditOnDisk().Count);
        Assert.Equal(0, fixture.Time.ActiveTimerCount, "an idle log arms no timer");
    }

    [Test]
    public async Task ABatchIsWrittenAsSoonAsBatchSizeRecordsWait()
    {
        using var fixture = new AccessFixture(auditOptions: new AuditLogOptions { BatchSize = 8, TimeProvider = new ManualTimeProvider() });
        for (int i = 0; i < 8; i++)
        {
            fixture.Manager.Check(Tool("alice", "search"));
        }
        await WaitUntil(() => fixture.Audit.AllowedRecorded == 8);
    }

    [Test]
    public void ADurableRecordCarriesTheAllowedRecordsQueuedBeforeIt()
    {
        using var fixture = new AccessFixture();
        fixture.Manager.Check(Tool("alice", "search"));
        fixture.Manager.Check(Tool("alice", "shell"));
        var records = fixture.AuditOnDisk();
        Assert.Equal(2, records.Count);
        Assert.Equal(AuditDecision.Allowed, records[0].Decision);
        Assert.Equal(AuditDecision.Denied, records[1].Decision);
        Assert.Equal(1L, fixture.Audit.DurableRecorded);
    }

    [Test]
    public async Task AFullQueueDropsAllowedRecordsAndMarksTheGap()
    {
        var options = new AuditLogOptions { Capacity = 2, BatchSize = 1000, TimeProvider = new ManualTimeProvider() };
        using var fixture = new AccessFixture(auditOptions: options);
        for (int i = 0; i < 5; i++)
        {
            Assert.True(fixture.Manager.Check(Tool("alice", "search")).Allowed, "a full audit queue never blocks or denies");
        }
        await fixture.Audit.FlushAsync();
        long dropped = fixture.Audit.AllowedDropped;
        Assert.InRange(dropped, 1L, 3L);
        Assert.Equal(5L, dropped + fixture.Audit.AllowedRecorded);
        var gaps = fixture.AuditOnDisk().Where(r => r.Decision == AuditDecision.Gap).ToList();
        Assert.Equal(dropped, gaps.Sum(g => long.Parse(g.Message!.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains("raise AuditLogOptions.Capacity", gaps[0].Message);
    }

    [Test]
    public async Task DisposeWritesEverythingQueued()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("audit.jsonl");
        var log = AuditLog.Open(path, new AuditLogOptions { TimeProvider = new ManualTimeProvider() });
        for (int i = 0; i < 100; i++)
        {
            log.RecordAllowed(ManualTimeProvider.DefaultStart, "alice", ResourceKind.Tool, AccessOperation.Call, "search");
        }
        await log.DisposeAsync();
        Assert.Equal(100, AuditLog.ReadFile(path).Sum(r => r.Decisions));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => log.RecordDurableAsync(default));
    }

    [Test]
    public async Task RecordsRoundTripThroughTheFileIncludingHostileText()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("sub", "audit.jsonl");
        var time = new DateTimeOffset(2031, 2, 3, 4, 5, 6, TimeSpan.Zero);
        var record = new AuditRecord(time, "alice", ResourceKind.Storage, AccessOperation.Delete, "x\n{\"forged\":1}\u0000\u202E",
            AuditDecision.Denied, DenialReason.ApprovalDenied, "line one\nline two", 12, "ops");
        await using (var log = AuditLog.Open(path))
        {
            await log.RecordDurableAsync(record);
        }
        var lines = File.ReadAllLines(path);
        Assert.Equal(2, lines.Length, "the header, then one line: newlines inside values are escaped, so a record cannot forge another");
        Assert.Contains("{\"agentos_audit\":2,\"segment\":1,", lines[0]);
        Assert.Contains("\"decision\":\"Denied\"", lines[1]);
        Assert.Contains("\"reason\":\"ApprovalDenied\"", lines[1]);
        Assert.Equal(record, AuditLog.ReadFile(path).Single());
    }

    [Test]
    public async Task ALastLineCutShortByACrashIsSkippedAndCutOffOnReopen()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("audit.jsonl");
        await File.WriteAllTextAsync(path, "{\"time\":\"2000-01-01T00:00:00+00:00\",\"agent\":\"alice\",\"resource\":\"Tool\",\"operation\":\"Call\",\"decision\":\"Allowed\"}\n{\"time\":\"2000-01-01T00:00:0");
        Assert.Equal(1, AuditLog.ReadFile(path).Count);
        await using (var log = AuditLog.Open(path))
        {
            await log.RecordDurableAsync(new AuditRecord(ManualTimeProvider.DefaultStart, "bob", ResourceKind.Tool, AccessOperation.Call, "x", AuditDecision.Denied));
        }
        Assert.SequenceEqual(["alice", "bob"], AuditLog.ReadFile(path).Select(r => r.Agent));
    }

    [Test]
    public async Task ADamagedLineInTheMiddleIsAnError()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("audit.jsonl");
        await File.WriteAllTextAsync(path, "not json\n{\"time\":\"2000-01-01T00:00:00+00:00\",\"agent\":\"alice\",\"resource\":\"Tool\",\"operation\":\"Call\",\"decision\":\"Allowed\"}\n");
        Assert.Contains("line 1 is not a valid record", Assert.Throws<AuditLogException>(() => AuditLog.ReadFile(path)).Message);
    }

    [Test]
    public async Task AnInMemoryLogKeepsTheNewestRecords()
    {
        await using var log = AuditLog.InMemory(new AuditLogOptions { MemoryRetention = 3 });
        for (int i = 0; i < 5; i++)
        {
            await log.RecordDurableAsync(new AuditRecord(ManualTimeProvider.DefaultStart, "a" + i, ResourceKind.Tool, AccessOperation.Call, null, AuditDecision.Denied));
        }
        Assert.Null(log.Path);
        Assert.SequenceEqual(["a2", "a3", "a4"], log.ReadAll().Select(r => r.Agent));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        // The writer runs on its own thread: wait for it, with a generous bound that only a hang would reach.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("the audit writer did not get there within 20 s");
            }
            await Task.Delay(1);
        }
    }
}
