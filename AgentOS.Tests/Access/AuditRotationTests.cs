using System.IO.Compression;
using AgentOS.Access;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Time;

namespace AgentOS.Tests.Access;

/// <summary>The audit log's files: rotation by size and age, archives, retention, the format header, crashes.</summary>
public sealed class AuditRotationTests
{
    [Test]
    public async Task TheActiveFileRotatesAtTheSizeThresholdAndEveryRecordIsReadOnce()
    {
        using var directory = new TempDirectory("agentos-audit-size");
        var path = directory.Combine("audit.jsonl");
        var time = new ManualTimeProvider();
        await using (var log = AuditLog.Open(path, new AuditLogOptions { TimeProvider = time, MaxFileBytes = 4096 }))
        {
            for (int i = 0; i < 100; i++)
            {
                await log.RecordDurableAsync(Denial(time, i));
                await log.FlushAsync(); // the writer rotates after telling the caller: wait for it
                Assert.True(new FileInfo(path).Length < 4096, $"after record {i} the active file holds {new FileInfo(path).Length} B: it rotates at the commit that reaches 4096");
            }
            await log.ArchivingIdle;
            var statistics = log.Statistics;
            Assert.True(statistics.Rotations >= 3, $"{statistics.Rotations} rotations");
            Assert.Equal((int)statistics.Rotations, statistics.Archives);
            Assert.Equal(0, statistics.UnarchivedSegments);
            Assert.Equal(new FileInfo(path).Length, statistics.ActiveBytes);
        }
        var archives = Directory.GetFiles(directory.Path, "audit.jsonl.*").Where(f => f != path).Order(StringComparer.Ordinal).ToList();
        Assert.True(archives.All(a => a.EndsWith(".d.gz", StringComparison.Ordinal)), "archives holding denials are marked: " + string.Join(", ", archives));
        foreach (var archive in archives)
        {
            // Each archive is one whole sealed file: its header, then records up to the commit that crossed the size.
            using var gzip = new GZipStream(File.OpenRead(archive), CompressionMode.Decompress);
            using var copy = new MemoryStream();
            await gzip.CopyToAsync(copy);
            Assert.InRange(copy.Length, 4096L, 4096L + 300);
            Assert.True(copy.ToArray().AsSpan().StartsWith("{\"agentos_audit\":2,"u8), archive);
        }
        Assert.SequenceEqual(Enumerable.Range(0, 100).Select(i => $"m{i}"), AuditLog.ReadFile(path).Select(r => r.Message!));
    }

    [Test]
    public async Task TheActiveFileRotatesAtTheFirstCommitAfterItsAgeOnTheLogsClock()
    {
        using var directory = new TempDirectory("agentos-audit-age");
        var path = directory.Combine("audit.jsonl");
        var time = new ManualTimeProvider();
        await using var log = AuditLog.Open(path, new AuditLogOptions { TimeProvider = time, MaxFileAge = TimeSpan.FromHours(1) });
        await log.RecordDurableAsync(Denial(time, 0));
        time.Advance(TimeSpan.FromMinutes(59));
        await log.RecordDurableAsync(Denial(time, 1));
        await log.FlushAsync();
        Assert.Equal(0L, log.Statistics.Rotations, "59 minutes old");
        time.Advance(TimeSpan.FromMinutes(1));
        await log.RecordDurableAsync(Denial(time, 2));
        await log.FlushAsync();
        Assert.Equal(1L, log.Statistics.Rotations, "an hour old at this commit");
        await log.RecordDurableAsync(Denial(time, 3));
        await log.ArchivingIdle;
        Assert.SequenceEqual(["m0", "m1", "m2"], AuditLog.ReadSegment(path + ".000001.d.gz").Select(r => r.Message!));
        Assert.SequenceEqual(["m3"], AuditLog.ReadSegment(path).Select(r => r.Message!));
        Assert.Contains("\"segment\":2,\"created\":\"2000-01-01T01:00:00.0000000Z\"", File.ReadLines(path).First());
    }

    [Test]
    public async Task RetentionRetiresOldAllowedArchivesButKeepsDenialsAndEverySegmentNotYetArchived()
    {
        using var directory = new TempDirectory("agentos-audit-retention");
        var path = directory.Combine("audit.jsonl");
        var time = new ManualTimeProvider();
        bool archiverDown = true;
        var options = new AuditLogOptions
        {
            TimeProvider = time, MaxFileBytes = 1024, MaxArchives = 2, ArchiveRetention = TimeSpan.FromDays(1),
            FaultInjection = step =>
            {
                if (archiverDown && step.StartsWith("archive", StringComparison.Ordinal))
                {
                    throw new IOException("archive disk offline");
                }
            },
        };
        await using var log = AuditLog.Open(path, options);
        // While archiving fails, sealed segments pile up: none is deleted, however old.
        await log.RecordDurableAsync(Denial(time, 0));
        await WriteAllowedAsync(log, time, 40);
        time.Advance(TimeSpan.FromDays(30));
        await WriteAllowedAsync(log, time, 40);
        await log.ArchivingIdle;
        var down = log.Statistics;
        Assert.True(down.UnarchivedSegments >= 4, $"{down.UnarchivedSegments} segments");
        Assert.Equal(0, down.Archives);
        Assert.Contains("archive disk offline", down.ArchiveError);
        Assert.Equal(81, AuditLog.ReadFile(path).Count);

        // Once archiving works: everything is archived; allowed-only archives beyond the count or older than a day go;
        // the archive holding the denial stays.
        archiverDown = false;
        time.Advance(TimeSpan.FromDays(2));
        await WriteAllowedAsync(log, time, 10);
        await log.ArchivingIdle;
        var up = log.Statistics;
        Assert.Equal(0, up.UnarchivedSegments);
        Assert.Null(up.ArchiveError);
        var left = Directory.GetFiles(directory.Path, "audit.jsonl.*").Where(f => f != path).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.SequenceEqual(["audit.jsonl.000001.d.gz"], left.Where(f => f!.EndsWith(".d.gz", StringComparison.Ordinal)));
        Assert.True(left.Count(f => !f!.EndsWith(".d.gz", StringComparison.Ordinal)) <= 2, string.Join(", ", left));
        var records = AuditLog.ReadFile(path);
        Assert.Equal(1, records.Count(r => r.Decision == AuditDecision.Denied));
        Assert.True(records.Count < 91, $"{records.Count} records: old allowed archives were retired");
    }

    [Test]
    public async Task ADurableArchiveRetentionRetiresDenialsOnlyOnceThatOld()
    {
        using var directory = new TempDirectory("agentos-audit-durable-retention");
        var path = directory.Combine("audit.jsonl");
        var time = new ManualTimeProvider();
        await using var log = AuditLog.Open(path, new AuditLogOptions { TimeProvider = time, MaxFileBytes = 1024, MaxFileAge = TimeSpan.FromDays(1000), MaxArchives = 1, DurableArchiveRetention = TimeSpan.FromDays(365) });
        for (int i = 0; i < 20; i++)
        {
            await log.RecordDurableAsync(Denial(time, i));
        }
        await log.ArchivingIdle;
        int archives = log.Statistics.Archives;
        Assert.True(archives >= 2, "denial archives are not retired for the count");
        time.Advance(TimeSpan.FromDays(364));
        await log.RecordDurableAsync(Denial(time, 20));
        await log.ArchivingIdle;
        Assert.Equal(archives, log.Statistics.Archives);
        time.Advance(TimeSpan.FromDays(2));
        for (int i = 21; i < 30; i++)
        {
            await log.RecordDurableAsync(Denial(time, i));
        }
        await log.ArchivingIdle;
        Assert.False(File.Exists(path + ".000001.d.gz"), "older than 365 days");
    }

    [Test]
    public async Task AnUnversionedFileIsSealedAsASegmentAndStillRead()
    {
        using var directory = new TempDirectory("agentos-audit-v0");
        var path = directory.Combine("audit.jsonl");
        // The format of commit 2c35f17: records only, no header.
        await File.WriteAllTextAsync(path,
            "{\"time\":\"2026-12-01T00:00:00+00:00\",\"agent\":\"alice\",\"resource\":\"Tool\",\"operation\":\"Call\",\"target\":\"search\",\"decision\":\"Allowed\"}\n" +
            "{\"time\":\"2026-12-01T00:00:01+00:00\",\"agent\":\"bob\",\"resource\":\"Storage\",\"operation\":\"Delete\",\"target\":\"x\",\"decision\":\"Denied\",\"reason\":\"ApprovalDenied\",\"message\":\"no\"}\n");
        Assert.SequenceEqual(["alice", "bob"], AuditLog.ReadSegment(path).Select(r => r.Agent));
        var time = new ManualTimeProvider();
        await using (var log = AuditLog.Open(path, new AuditLogOptions { TimeProvider = time }))
        {
            await log.RecordDurableAsync(Denial(time, 0));
            await log.ArchivingIdle;
        }
        Assert.SequenceEqual(["alice", "bob", "agent"], AuditLog.ReadFile(path).Select(r => r.Agent));
        Assert.True(File.Exists(path + ".000001.d.gz"), "the old file, archived");
        Assert.Contains("{\"agentos_audit\":2,\"segment\":2,", File.ReadLines(path).First());
    }

    [Test]
    public async Task AnActiveFileOfFormatOneIsSealedSoCountedRecordsNeverGoIntoIt()
    {
        using var directory = new TempDirectory("agentos-audit-v1");
        var path = directory.Combine("audit.jsonl");
        // Format 1 (before counted records): its header, then plain records. An older AgentOS reading counted records
        // from a file that says format 1 would count each as one decision.
        await File.WriteAllTextAsync(path,
            "{\"agentos_audit\":1,\"segment\":3,\"created\":\"2026-12-01T00:00:00.0000000Z\"}\n" +
            "{\"time\":\"2026-12-01T00:00:00+00:00\",\"agent\":\"alice\",\"resource\":\"Tool\",\"operation\":\"Call\",\"target\":\"search\",\"decision\":\"Allowed\"}\n");
        var time = new ManualTimeProvider();
        await using (var log = AuditLog.Open(path, new AuditLogOptions { TimeProvider = time }))
        {
            for (int i = 0; i < 3; i++)
            {
                log.RecordAllowed(time.GetUtcNow(), "bob", ResourceKind.Tool, AccessOperation.Call, "search");
            }
            await log.FlushAsync();
            await log.ArchivingIdle;
        }
        Assert.SequenceEqual(["alice:1", "bob:3"], AuditLog.ReadFile(path).Select(r => $"{r.Agent}:{r.Decisions}"));
        Assert.True(File.Exists(path + ".000003.gz"), "the format 1 file, sealed under its own number and archived");
        Assert.Contains("{\"agentos_audit\":2,\"segment\":4,", File.ReadLines(path).First());
    }

    [Test]
    public async Task AFileOfANewerFormatIsRefusedWithATypedError()
    {
        using var directory = new TempDirectory("agentos-audit-v9");
        var path = directory.Combine("audit.jsonl");
        await File.WriteAllTextAsync(path, "{\"agentos_audit\":9,\"segment\":1,\"created\":\"2030-01-01T00:00:00Z\"}\n");
        var error = Assert.Throws<AuditLogException>(() => AuditLog.Open(path));
        Assert.Contains("audit format 9, written by a newer AgentOS; this one reads formats 0 to 2", error.Message);
        Assert.Contains("audit format 9", Assert.Throws<AuditLogException>(() => AuditLog.ReadFile(path)).Message);
    }

    // A crash at each step of rotation and archiving: the process stops there (this step and every later file
    // operation fail). Reopened, the log holds every acknowledged record exactly once.
    [Test(TimeoutSeconds = 120)]
    public async Task ACrashAtAnyStepOfRotationLosesAndRepeatsNoAcknowledgedRecord()
    {
        string[] steps = ["rotate:close", "rotate:renamed", "create", "archive:start", "archive:written", "archive:renamed"];
        foreach (var step in steps)
        {
            // The first "create" is the log's own first file, at open: a crash there is a failed open, not a rotation.
            int first = step == "create" ? 2 : 1;
            for (int occurrence = first; occurrence <= first + 1; occurrence++)
            {
                await CrashAndReopenAsync(step, occurrence);
            }
        }
    }

    private static async Task CrashAndReopenAsync(string step, int occurrence)
    {
        using var directory = new TempDirectory("agentos-audit-crash");
        var path = directory.Combine("audit.jsonl");
        var time = new ManualTimeProvider();
        int seen = 0;
        bool crashed = false;
        var gate = new Lock();
        var options = new AuditLogOptions
        {
            TimeProvider = time, MaxFileBytes = 2048,
            FaultInjection = s =>
            {
                lock (gate)
                {
                    if (!crashed && s == step && ++seen == occurrence)
                    {
                        crashed = true;
                    }
                    if (crashed)
                    {
                        throw new IOException($"simulated crash at {step} #{occurrence}");
                    }
                }
            },
        };
        var acknowledged = new List<string>();
        var log = AuditLog.Open(path, options);
        for (int i = 0; i < 80; i++)
        {
            try
            {
                await log.RecordDurableAsync(Denial(time, i));
                acknowledged.Add($"m{i}");
            }
            catch (AuditLogException)
            {
            }
            await log.FlushAsync(); // the writer rotates after telling the caller
            await log.ArchivingIdle; // the archiver's steps run too before the next record, so each step is reached
        }
        Assert.True(crashed, $"the test reached {step} #{occurrence}");
        await log.DisposeAsync();

        await using (var reopened = AuditLog.Open(path, new AuditLogOptions { TimeProvider = time, MaxFileBytes = 2048 }))
        {
            await reopened.RecordDurableAsync(Denial(time, 1000));
            await reopened.FlushAsync();
            await reopened.ArchivingIdle;
            Assert.Equal(0, reopened.Statistics.UnarchivedSegments, $"{step} #{occurrence}: the reopened log archives what the crash left");
        }
        var messages = AuditLog.ReadFile(path).Select(r => r.Message!).ToList();
        Assert.Equal(messages.Count, messages.Distinct().Count(), $"{step} #{occurrence}: no record twice: {string.Join(",", messages)}");
        foreach (var message in acknowledged.Append("m1000"))
        {
            Assert.Contains(message, messages, $"{step} #{occurrence}: acknowledged {message} is lost");
        }
        Assert.Equal(0, Directory.GetFiles(directory.Path, "*.tmp").Length, "no unfinished file is left");
    }

    private static AuditRecord Denial(TimeProvider time, int i) =>
        new(time.GetUtcNow(), "agent", ResourceKind.Tool, AccessOperation.Call, "shell", AuditDecision.Denied, DenialReason.NotGranted, $"m{i}");

    private static async Task WriteAllowedAsync(AuditLog log, TimeProvider time, int count)
    {
        for (int i = 0; i < count; i++)
        {
            log.RecordAllowed(time.GetUtcNow(), "agent", ResourceKind.Tool, AccessOperation.Call, "search-with-a-long-target-name");
            await log.FlushAsync(); // one commit each, so the size threshold is met record by record
        }
    }
}
