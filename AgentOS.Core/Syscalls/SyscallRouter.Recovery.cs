using System.Collections.Concurrent;
using AgentOS.Scheduling;
using AgentOS.Syscalls.Errors;

namespace AgentOS.Syscalls;

// Running a failed syscall again when the recovery (the Reactor) asks: the envelope the agent awaits is reused, so its
// id, deadline, access slot and caller's cancellation stay what they were, and the agent sees only the final outcome.
internal sealed partial class SyscallRouter
{
    // Syscalls waiting out a retry delay, with their timers (null until the timer exists): whoever removes an entry
    // owns the syscall, so a timer that fires as the kernel stops cannot run it twice or lose it.
    private readonly ConcurrentDictionary<Syscall, ITimer?> _retrying = new();

    /// <summary>The recovery consulted for every failed syscall, or <see langword="null"/> (failures reach the caller).</summary>
    public ISyscallRecovery? Recovery { get; set; }

    /// <summary>The gate every valid request passes before it is authorized, or <see langword="null"/> (all pass).</summary>
    public ISyscallGate? Gate { get; set; }

    /// <summary>Syscalls waiting to be run again.</summary>
    public int RetriesPending => _retrying.Count;

    private SyscallFailure Failure(Syscall syscall, SyscallException? error) =>
        new(syscall.Id, syscall.Request.AgentId, syscall.Kind, syscall.Access.Target, error, syscall.Attempt, syscall.Ticket.Deadline,
            syscall.Kind == SyscallKind.Tool && _tools.Find(syscall.Request.Tool!.Call.Name)?.Idempotent == true, syscall.Request);

    private bool TryRecover(Syscall syscall)
    {
        if (syscall.Error is not SyscallException error || Volatile.Read(ref _stopping) != 0 || syscall.CancellationToken.IsCancellationRequested)
        {
            return false;
        }
        if (Recovery!.Decide(Failure(syscall, error)) is not { } retry)
        {
            return false;
        }
        _observer?.OnRetrying(syscall);
        syscall.ClearOutcome();
        syscall.Attempt++;
        if (retry.Target is { } target && syscall.Kind == SyscallKind.Llm)
        {
            syscall.Access = syscall.Access with { Target = target };
        }
        if (retry.Delay <= TimeSpan.Zero)
        {
            Requeue(syscall);
            return true;
        }
        _retrying[syscall] = null;
        var timer = _time.CreateTimer(static state => ((Syscall)state!).Router.RetryDue((Syscall)state!), syscall, retry.Delay, Timeout.InfiniteTimeSpan);
        if (!_retrying.TryUpdate(syscall, timer, null))
        {
            timer.Dispose(); // it fired already: the syscall is on its way
        }
        // A stop that began while this was being set up found nothing to fail: fail it here.
        if (Volatile.Read(ref _stopping) != 0 && _retrying.TryRemove(syscall, out var pending))
        {
            pending?.Dispose();
            Fail(syscall, new KernelStoppingException("The kernel began stopping while this syscall waited to be retried; submit it again to a running kernel."));
        }
        return true;
    }

    private void RetryDue(Syscall syscall)
    {
        if (_retrying.TryRemove(syscall, out var timer))
        {
            timer?.Dispose();
            Requeue(syscall);
        }
    }

    private void Requeue(Syscall syscall)
    {
        if (syscall.CancellationToken.IsCancellationRequested)
        {
            Fail(syscall, new SyscallCancelledException("The syscall was cancelled while it waited to be retried.", syscall.CancellationToken));
            return;
        }
        var queue = _queues[(int)syscall.Kind];
        try
        {
            if (!queue.TryEnqueue(syscall))
            {
                _ = EnqueueWhenRoomAsync(queue, syscall);
            }
        }
        catch (QueueStoppedException ex)
        {
            Fail(syscall, new KernelStoppingException("The kernel stopped before the syscall could be retried; submit it again to a running kernel.", ex));
        }
    }

    // On stopping: every syscall waiting to be retried ends now, typed, instead of outliving the queues.
    private void FailPendingRetries()
    {
        foreach (var syscall in _retrying.Keys)
        {
            if (_retrying.TryRemove(syscall, out var timer))
            {
                timer?.Dispose();
                Fail(syscall, new KernelStoppingException("The kernel began stopping while this syscall waited to be retried; submit it again to a running kernel."));
            }
        }
    }
}
