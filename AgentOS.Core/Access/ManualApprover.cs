namespace AgentOS.Access;

/// <summary>
/// An approver driven by code: requests wait in <see cref="Pending"/> until <see cref="Approve"/> or
/// <see cref="Deny"/> is called with their id, unless <see cref="Decide"/> answers them at once. Tests use it, and so
/// will the server's HTTP approval endpoint (list pending, approve or deny by id).
/// </summary>
/// <remarks>Thread-safe. A request whose caller cancels (or whose approval timeout passes) leaves
/// <see cref="Pending"/>.</remarks>
public sealed class ManualApprover : IApprover
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<long, Waiting> _pending = [];
    private TaskCompletionSource _changed = NewSignal();

    /// <summary>Answers a request at once when it returns a result; <see langword="null"/> (or no callback) leaves
    /// the request pending.</summary>
    public Func<ApprovalRequest, ApprovalResult?>? Decide { get; set; }

    /// <summary>The requests waiting for a decision, oldest first.</summary>
    public IReadOnlyList<ApprovalRequest> Pending
    {
        get
        {
            lock (_gate)
            {
                return [.. _pending.Values.Select(w => w.Request)];
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<ApprovalResult> RequestAsync(ApprovalRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<ApprovalResult>(cancellationToken);
        }
        if (Decide?.Invoke(request) is { } immediate)
        {
            return new(immediate);
        }
        var waiting = new Waiting(request);
        lock (_gate)
        {
            if (!_pending.TryAdd(request.Id, waiting))
            {
                throw new InvalidOperationException($"Approval request #{request.Id} is already pending: ids must be unique.");
            }
            Signal();
        }
        if (cancellationToken.CanBeCanceled)
        {
            waiting.Registration = cancellationToken.Register(() => Finish(request.Id, null, cancellationToken));
        }
        return new(waiting.Result.Task);
    }

    /// <summary>Approves pending request <paramref name="id"/>; <see langword="false"/> if it is not pending.</summary>
    public bool Approve(long id, string approver = "operator", string? reason = null) =>
        Finish(id, ApprovalResult.Approve(approver, reason), default);

    /// <summary>Denies pending request <paramref name="id"/>; <see langword="false"/> if it is not pending.</summary>
    public bool Deny(long id, string approver = "operator", string? reason = null) =>
        Finish(id, ApprovalResult.Deny(approver, reason ?? $"denied by {approver}"), default);

    /// <summary>Returns the oldest pending request, waiting until there is one.</summary>
    public async Task<ApprovalRequest> WaitForPendingAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_pending.Count > 0)
                {
                    return _pending.First().Value.Request;
                }
                changed = _changed.Task;
            }
            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private bool Finish(long id, ApprovalResult? result, CancellationToken cancelledBy)
    {
        Waiting? waiting;
        lock (_gate)
        {
            if (!_pending.Remove(id, out waiting))
            {
                return false;
            }
            Signal();
        }
        waiting.Registration.Dispose();
        if (result is { } answer)
        {
            waiting.Result.TrySetResult(answer);
        }
        else
        {
            waiting.Result.TrySetCanceled(cancelledBy);
        }
        return true;
    }

    // Under _gate: wakes every WaitForPendingAsync.
    private void Signal()
    {
        _changed.TrySetResult();
        _changed = NewSignal();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Waiting(ApprovalRequest request)
    {
        public ApprovalRequest Request { get; } = request;
        public TaskCompletionSource<ApprovalResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public CancellationTokenRegistration Registration { get; set; }
    }
}
