using System.Globalization;

namespace AgentOS.Storage;

/// <summary>
/// Which earlier version a rollback restores: a version number (<see cref="ToVersion"/>), a number of versions back
/// from the current one (<see cref="Back"/>), or the version that was current at a moment (<see cref="AsOf"/>).
/// <see cref="Resolve"/> turns a target into a version, so every backend resolves targets the same way.
/// </summary>
public readonly record struct RollbackTarget
{
    private RollbackTarget(RollbackTargetKind kind, int number, DateTimeOffset time)
    {
        Kind = kind;
        Number = number;
        Time = time;
    }

    /// <summary>Which form this target takes.</summary>
    public RollbackTargetKind Kind { get; }

    /// <summary>The version (<see cref="RollbackTargetKind.Version"/>) or the steps back (<see cref="RollbackTargetKind.Back"/>).</summary>
    public int Number { get; }

    /// <summary>The moment (<see cref="RollbackTargetKind.AsOf"/>).</summary>
    public DateTimeOffset Time { get; }

    /// <summary>Restore version <paramref name="version"/> (1 or more).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is below 1.</exception>
    public static RollbackTarget ToVersion(int version)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        return new(RollbackTargetKind.Version, version, default);
    }

    /// <summary>Restore the version <paramref name="steps"/> before the current one (1 = the previous version).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="steps"/> is below 1.</exception>
    public static RollbackTarget Back(int steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        return new(RollbackTargetKind.Back, steps, default);
    }

    /// <summary>Restore the version that was current at <paramref name="time"/>: the newest one written at or before it.</summary>
    public static RollbackTarget AsOf(DateTimeOffset time) => new(RollbackTargetKind.AsOf, 0, time);

    /// <summary>
    /// The version this target names among <paramref name="versions"/> (a key's kept versions, oldest first, the last
    /// one current).
    /// </summary>
    /// <exception cref="StorageNotFoundException">The key has no versions, or the target is not among the kept ones;
    /// the message lists what is kept.</exception>
    public StorageEntry Resolve(string key, IReadOnlyList<StorageEntry> versions)
    {
        ArgumentNullException.ThrowIfNull(versions);
        if (versions.Count == 0)
        {
            throw new StorageNotFoundException(key, $"'{StorageKey.Escape(key)}' does not exist: there is nothing to roll back. Write it first, or check the path with a list.");
        }
        StorageEntry? found = null;
        switch (Kind)
        {
            case RollbackTargetKind.Version:
                foreach (var entry in versions)
                {
                    if (entry.Version == Number)
                    {
                        found = entry;
                    }
                }
                break;
            case RollbackTargetKind.Back:
                int index = versions.Count - 1 - Number;
                found = index >= 0 ? versions[index] : null;
                break;
            default:
                foreach (var entry in versions)
                {
                    if (entry.Written <= Time)
                    {
                        found = entry;
                    }
                }
                break;
        }
        return found ?? throw new StorageNotFoundException(key,
            $"'{StorageKey.Escape(key)}' has no {this} among its kept versions {versions[0].Version}..{versions[^1].Version} " +
            $"(written {versions[0].Written:O} to {versions[^1].Written:O}); older versions are dropped past the versions-kept limit. Pick one of those.");
    }

    /// <summary>The target in words: "version 3", "3 versions back", "the version current at ...".</summary>
    public override string ToString() => Kind switch
    {
        RollbackTargetKind.Version => "version " + Number.ToString(CultureInfo.InvariantCulture),
        RollbackTargetKind.Back => Number.ToString(CultureInfo.InvariantCulture) + (Number == 1 ? " version back" : " versions back"),
        _ => "version current at " + Time.ToString("O", CultureInfo.InvariantCulture),
    };
}
