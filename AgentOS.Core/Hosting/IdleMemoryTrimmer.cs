namespace AgentOS.Hosting;

/// <summary>
/// Gives memory back to the operating system once a server has been idle for a while. Under load the garbage
/// collector keeps the memory it committed for new allocations (a soak of <c>serve</c> found 8 MiB of live objects in
/// 175 MiB resident), and an idle process allocates nothing, so no collection runs to release it: resident memory rose
/// under load and never came back. After <c>idleAfter</c> with no new activity, one aggressive, compacting collection
/// decommits what the heap does not use; it runs once per idle period, never while requests arrive.
/// </summary>
internal sealed class IdleMemoryTrimmer : IDisposable
{
    private readonly Func<long> _activity;
    private readonly Action _trim;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private long _lastSeen;
    private long _trimmedAt = -1;

    /// <param name="time">The clock the idle period is measured on.</param>
    /// <param name="idleAfter">How long without activity counts as idle (checked at this period, so a trim comes
    /// between one and two periods after the last activity).</param>
    /// <param name="activity">A counter that any activity increases (requests handled).</param>
    /// <param name="trim">The trim itself; <see cref="CollectAggressively"/> in a server, a counter in tests.</param>
    public IdleMemoryTrimmer(TimeProvider time, TimeSpan idleAfter, Func<long> activity, Action trim)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(idleAfter, TimeSpan.Zero);
        _activity = activity;
        _trim = trim;
        _lastSeen = activity();
        _timer = time.CreateTimer(static state => ((IdleMemoryTrimmer)state!).Check(), this, idleAfter, idleAfter);
    }

    /// <summary>How many trims have run.</summary>
    public int Trims { get; private set; }

    /// <summary>A full, blocking, compacting collection that also decommits free memory (.NET's aggressive mode).</summary>
    public static void CollectAggressively() =>
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    private void Check()
    {
        lock (_gate)
        {
            long now = _activity();
            bool idle = now == _lastSeen;
            _lastSeen = now;
            if (!idle || now == _trimmedAt)
            {
                return; // busy, or already trimmed since the last activity
            }
            _trimmedAt = now;
            Trims++;
            _trim();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _timer.Dispose();
}
