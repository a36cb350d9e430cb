using AgentOS.Access;
using AgentOS.Storage;

namespace AgentOS.Reactor;

/// <summary>
/// Storage corruption (<c>storage_corruption</c>). Trigger: a read of a key's current version fails its checksum (a
/// bit flip, a lost sector: <see cref="StorageCorruptException"/>). Action: the newest earlier version that reads
/// intact is found and the corrupt one quarantined by rolling the key back to it (a new current version with the good
/// bytes; history is kept, so the quarantined version stays readable by number, and typed corrupt, for forensics).
/// Verification: the key's current version now reads intact and equals the good one; that value is served to the
/// reader. With no intact version (or the fuse spent) the reader gets the typed error and the case is escalated.
/// </summary>
public sealed class StorageCorruptionPlaybook : Playbook, IStorageReadRepair
{
    private readonly List<QuarantinedVersion> _quarantined = [];
    private ReactorEngine? _engine;

    internal StorageCorruptionPlaybook(StorageCorruptionPlaybookOptions options) : base("storage_corruption", options.Enabled)
    {
    }

    /// <summary>The versions it quarantined, oldest first.</summary>
    public IReadOnlyList<QuarantinedVersion> Quarantined
    {
        get
        {
            lock (_quarantined)
            {
                return [.. _quarantined];
            }
        }
    }

    internal override void Start(ReactorEngine engine) => _engine = engine;

    /// <inheritdoc />
    public async ValueTask<StorageValue?> RepairAsync(IStorageBackend backend, string key, StorageCorruptException corruption, string reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(corruption);
        var engine = _engine;
        if (engine is null)
        {
            return null;
        }
        long number = engine.NewCase();
        engine.Record(Name, ReactorStage.Triggered, number, ResourceKind.Storage, key, reader, 0, $"corrupt read: {corruption.Message}");
        if (!engine.TryAct(Name, number, ResourceKind.Storage, key, reader))
        {
            return null;
        }
        Interlocked.Increment(ref OpenCases);
        try
        {
            return await RepairAsync(engine, number, backend, key, reader, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is StorageException or OperationCanceledException)
        {
            engine.Record(Name, ReactorStage.Unverified, number, ResourceKind.Storage, key, reader, 0, $"the repair failed: {ex.GetType().Name}: {ex.Message}");
            engine.Escalate(Name, number, ResourceKind.Storage, key, reader, $"'{key}' is corrupt and the repair failed ({ex.Message}); restore it from a copy.");
            return null;
        }
        finally
        {
            Interlocked.Decrement(ref OpenCases);
        }
    }

    private async ValueTask<StorageValue?> RepairAsync(ReactorEngine engine, long number, IStorageBackend backend, string key, string reader, CancellationToken cancellationToken)
    {
        var versions = await backend.VersionsAsync(key, cancellationToken).ConfigureAwait(false);
        if (versions.Count == 0)
        {
            return null;
        }
        int corrupt = versions[^1].Version;
        StorageValue? good = null;
        var skipped = new List<int>();
        for (int i = versions.Count - 2; i >= 0 && good is null; i--)
        {
            try
            {
                good = await backend.ReadAsync(key, versions[i].Version, cancellationToken).ConfigureAwait(false);
            }
            catch (StorageCorruptException)
            {
                skipped.Add(versions[i].Version);
            }
        }
        if (good is not { } last)
        {
            string none = $"no intact earlier version of '{key}' (version {corrupt} corrupt{(skipped.Count > 0 ? $"; versions {string.Join(", ", skipped)} corrupt too" : "")})";
            engine.Record(Name, ReactorStage.Unverified, number, ResourceKind.Storage, key, reader, 0, none);
            engine.Escalate(Name, number, ResourceKind.Storage, key, reader, $"{none}; the reader gets the typed error. Restore it from a copy, or delete the key.");
            return null;
        }
        var restored = await backend.RollbackAsync(key, RollbackTarget.ToVersion(last.Entry.Version), cancellationToken).ConfigureAwait(false);
        lock (_quarantined)
        {
            _quarantined.Add(new QuarantinedVersion(key, corrupt, last.Entry.Version, restored.Version, engine.Time.GetUtcNow()));
        }
        engine.Record(Name, ReactorStage.Acted, number, ResourceKind.Storage, key, reader, 0,
            $"quarantined version {corrupt} (fails its checksum): rolled back to version {last.Entry.Version}, now current as version {restored.Version}");

        var current = await backend.ReadAsync(key, null, cancellationToken).ConfigureAwait(false);
        if (current is { } now && now.Entry.Version == restored.Version && now.Data.Span.SequenceEqual(last.Data.Span))
        {
            engine.Record(Name, ReactorStage.Verified, number, ResourceKind.Storage, key, reader, 0, $"version {restored.Version} reads intact; served the last good version ({last.Entry.Version})");
            return now;
        }
        engine.Record(Name, ReactorStage.Unverified, number, ResourceKind.Storage, key, reader, 0, $"version {restored.Version} does not read back as version {last.Entry.Version}");
        engine.Escalate(Name, number, ResourceKind.Storage, key, reader, $"'{key}' was rolled back to version {last.Entry.Version} but does not read back intact; check the disk.");
        return null;
    }
}

/// <summary>A version the storage corruption playbook quarantined.</summary>
/// <param name="Key">The key.</param>
/// <param name="Version">The corrupt version (still in the history, typed corrupt when read by number).</param>
/// <param name="ServedVersion">The last good version it rolled back to.</param>
/// <param name="NewVersion">The new current version holding the good bytes.</param>
/// <param name="At">When.</param>
public sealed record QuarantinedVersion(string Key, int Version, int ServedVersion, int NewVersion, DateTimeOffset At);
