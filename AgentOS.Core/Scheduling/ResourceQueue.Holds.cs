namespace AgentOS.Scheduling;

// Holds on concurrency groups (ResourceQueueOptions.StartGate): a group whose gate asks for a wait keeps its items
// deferred until a time, and one timer, armed for the earliest hold's end, wakes the dispatcher then. Dispatcher-role
// only, like the groups themselves.
public sealed partial class ResourceQueue<T>
{
    private ITimer? _holdTimer;
    private long _armedHold = long.MaxValue;
    private int _holdDue;

    // Whether the gate holds the item's group (the item is then deferred by the caller).
    private bool Gated(T item, ConcurrencyGroup group, long now)
    {
        if (_options.StartGate is not { } gate)
        {
            return false;
        }
        TimeSpan wait;
        try
        {
            wait = gate(item);
        }
        catch (Exception ex)
        {
            // A failing gate is reported and does not hold anything: the item runs rather than waits forever.
            Fault(item, ex);
            return false;
        }
        if (wait <= TimeSpan.Zero)
        {
            return false;
        }
        group.HeldUntil = now + wait.Ticks;
        return true;
    }

    private void OnHoldTimer()
    {
        Volatile.Write(ref _holdDue, 1);
        _wait.Wake();
    }

    // Every deferred item of a group whose hold has ended goes back to the policy with its original sequence, so the
    // policy restores their order; those over the group's limit are deferred again, in that order.
    private void EndHolds(long now)
    {
        _armedHold = long.MaxValue;
        foreach (var group in _groups.Values)
        {
            if (group.HeldUntil == 0 || group.HeldUntil > now)
            {
                continue;
            }
            group.HeldUntil = 0;
            while (group.Deferred.TryDequeue(out var released))
            {
                _policy.Enqueue(released, now);
            }
        }
    }

    private void RearmHoldTimer()
    {
        if (_options.StartGate is null)
        {
            return;
        }
        long next = long.MaxValue;
        foreach (var group in _groups.Values)
        {
            if (group.HeldUntil != 0 && group.HeldUntil < next)
            {
                next = group.HeldUntil;
            }
        }
        if (next == _armedHold)
        {
            return;
        }
        _armedHold = next;
        _holdTimer ??= _time.CreateTimer(static s => ((ResourceQueue<T>)s!).OnHoldTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _holdTimer.Change(next == long.MaxValue ? Timeout.InfiniteTimeSpan : TimeSpan.FromTicks(Math.Max(0, next - NowTicks)), Timeout.InfiniteTimeSpan);
    }
}
