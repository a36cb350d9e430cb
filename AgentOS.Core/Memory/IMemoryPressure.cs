namespace AgentOS.Memory;

/// <summary>
/// The memory manager's seam for acting ahead of a quota: every add is shown here before the store takes it, so room
/// can be made before the quota would refuse it. The kernel's Reactor implements it (its memory pressure playbook).
/// </summary>
internal interface IMemoryPressure
{
    /// <summary>Called before <paramref name="owner"/>'s add of <paramref name="content"/> runs; may evict first.
    /// Must not throw: the add then runs as it would have (and is refused if it is over the quota).</summary>
    ValueTask BeforeAddAsync(string owner, string content, IReadOnlyList<string> tags, CancellationToken cancellationToken);
}
