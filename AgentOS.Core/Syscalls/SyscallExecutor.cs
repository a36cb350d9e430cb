using AgentOS.Scheduling;

namespace AgentOS.Syscalls;

/// <summary>
/// The shape every manager shares as a queue executor: run one syscall (or a batch) and record its outcome; the
/// router completes the envelope once the queue is done with it, and ends rejected ones with the matching typed error.
/// </summary>
internal abstract class SyscallExecutor : IJobExecutor<Syscall>
{
    /// <summary>Runs the slot's syscalls. Synchronous managers return a completed task and cost no thread hop.</summary>
    protected abstract ValueTask ExecuteAsync(ExecutionSlot<Syscall> slot);

    public void Start(ExecutionSlot<Syscall> slot)
    {
        foreach (var syscall in slot.Batch)
        {
            syscall.Router.OnDispatched(syscall);
        }
        ValueTask running;
        try
        {
            running = ExecuteAsync(slot);
        }
        catch (Exception ex)
        {
            RecordAll(slot, ex);
            slot.Complete();
            return;
        }
        if (running.IsCompleted)
        {
            Finish(slot, running);
        }
        else
        {
            _ = FinishLater(slot, running);
        }
    }

    public void OnFinished(Syscall item) => item.Router.OnCompleted(item);

    public void Reject(Syscall item, JobRejection reason) => item.Router.OnRejected(item, reason);

    private static void Finish(ExecutionSlot<Syscall> slot, ValueTask running)
    {
        try
        {
            running.GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            RecordAll(slot, ex);
        }
        End(slot);
    }

    private static async Task FinishLater(ExecutionSlot<Syscall> slot, ValueTask running)
    {
        try
        {
            await running.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            RecordAll(slot, ex);
        }
        End(slot);
    }

    // A manager that stopped its syscall for the scheduler left the state to resume from; otherwise the run is done.
    private static void End(ExecutionSlot<Syscall> slot)
    {
        var first = slot.Item;
        if (first.YieldState is { } state && first.Error is null && first.Response is null)
        {
            first.YieldState = null;
            slot.Yield(state);
            return;
        }
        first.YieldState = null;
        slot.Complete();
    }

    // A manager that throws fails every syscall of the run that has no outcome yet, with a typed error.
    private static void RecordAll(ExecutionSlot<Syscall> slot, Exception ex)
    {
        foreach (var syscall in slot.Batch)
        {
            if (syscall.Response is null && syscall.Error is null)
            {
                syscall.Record(ex switch
                {
                    Errors.SyscallException => ex,
                    OperationCanceledException when syscall.CancellationToken.IsCancellationRequested =>
                        new Errors.SyscallCancelledException("The syscall was cancelled while it ran.", syscall.CancellationToken),
                    OperationCanceledException => new Errors.KernelStoppingException("The kernel stopped without draining while the syscall ran; it was cancelled. Submit it to a running kernel."),
                    _ => new Errors.BackendFailedException($"The {syscall.Kind} manager failed: {ex.Message}", ex),
                });
            }
        }
    }
}
