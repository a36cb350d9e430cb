namespace AgentOS.Scheduling;

// Expiry of items whose deadline passes while they wait (only with ResourceQueueOptions.ExpireAtDeadline).
// A second heap, keyed by deadline, holds every waiting item that has one; one timer is armed for its head.
public sealed partial class ResourceQueue<T>
{
    private readonly IndexedHeap<T>? _deadlines;
    private readonly ITimer? _deadlineTimer;
    private long _armedDeadline = long.MaxValue;
    private int _deadlineDue;

    private void OnDeadlineTimer()
    {
        Volatile.Write(ref _deadlineDue, 1);
        _wait.Wake();
    }

    private void ExpireDeadlines(long now)
    {
        _armedDeadline = long.MaxValue;
        while (_deadlines!.TryPeek(out var item, out double deadline) && deadline <= now)
        {
            _deadlines.TryPop(out _);
            item.Ticket.DeadlineHandle = -1;
            if (!_policy.Remove(item))
            {
                RemoveDeferred(item);
            }
            _expired++;
            Volatile.Write(ref _expired, _expired);
            Volatile.Write(ref _deadlinesMissed, _deadlinesMissed + 1);
            ReportMiss(item, now - (long)deadline);
            Reject(item, JobRejection.DeadlineExpired);
        }
    }

    private void RearmDeadlineTimer()
    {
        if (_deadlines is null)
        {
            return;
        }
        long next = _deadlines.TryPeek(out _, out double head) ? (long)head : long.MaxValue;
        if (next == _armedDeadline)
        {
            return;
        }
        _armedDeadline = next;
        // Relative to the clock now, not to the start of this pass: the clock may have moved since.
        _deadlineTimer!.Change(next == long.MaxValue ? Timeout.InfiniteTimeSpan : TimeSpan.FromTicks(Math.Max(0, next - NowTicks)), Timeout.InfiniteTimeSpan);
    }
}
