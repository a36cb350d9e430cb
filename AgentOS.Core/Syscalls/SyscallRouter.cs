using AgentOS.Access;
using AgentOS.Scheduling;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;
using AgentOS.Tools;

namespace AgentOS.Syscalls;

/// <summary>
/// The syscall path: describe the request to the access manager, check it, wrap it in a pooled envelope and publish it
/// to its kind's queue; later, end it (release its access slot, charge its tokens) and resume the agent.
/// </summary>
/// <remarks>
/// The allowed, non-irreversible path is synchronous up to the queue: no lock, no allocation beyond the envelope the
/// pool recycles. Irreversible requests (a tool marked so, a storage delete) take the asynchronous path that waits
/// for a human approval. Agents' continuations never run on a dispatcher thread: the envelope completes its awaiter
/// asynchronously (see <see cref="Syscall"/>).
/// </remarks>
internal sealed partial class SyscallRouter : IDisposable
{
    private readonly AccessManager _access;
    private readonly ResourceQueue<Syscall>[] _queues;
    private readonly ToolRegistry _tools;
    private readonly Func<string, LlmQuery, string> _llmBackendName;
    private readonly TimeProvider _time;
    private readonly SyscallPool _pool = new();
    private readonly ISyscallObserver? _observer;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly CancellationTokenSource _stoppingSignal = new();
    private readonly bool _accessSharesClock;
    private long _nextId;
    private int _stopping;

    // queues: the four queues, indexed by SyscallKind. llmBackendName: the backend an agent's LLM query runs on.
    public SyscallRouter(AccessManager access, ResourceQueue<Syscall>[] queues, ToolRegistry tools, Func<string, LlmQuery, string> llmBackendName, TimeProvider time, ISyscallObserver? observer = null)
    {
        _access = access;
        _queues = queues;
        _tools = tools;
        _llmBackendName = llmBackendName;
        _time = time;
        _observer = observer;
        // One clock reading per submit serves the access decision, the envelope's SubmittedAt and the queue's arrival
        // stamp, when they all run on this clock (the kernel's do): each reading is a visible share of a round trip.
        _accessSharesClock = ReferenceEquals(access.Clock, time);
    }

    /// <summary>The virtual clock whose agent steps awaited syscalls count in, or <see langword="null"/>.</summary>
    public Time.VirtualClockDriver? Clock { get; set; }

    /// <summary>After this, new syscalls fail with <see cref="KernelStoppingException"/>, and so do those still waiting
    /// for a human approval (they were not run).</summary>
    public void BeginStopping()
    {
        Volatile.Write(ref _stopping, 1);
        _stoppingSignal.Cancel();
        FailPendingRetries();
    }

    /// <summary>Cancels every running syscall (a stop without draining).</summary>
    public void CancelRunning() => _shutdown.Cancel();

    /// <summary>Once every queue has stopped.</summary>
    public void Dispose()
    {
        _shutdown.Dispose();
        _stoppingSignal.Dispose();
    }

    public ValueTask<SyscallResponse> SubmitAsync(SyscallRequest request, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Refuse(request, new SyscallCancelledException("The syscall was cancelled before it was submitted.", cancellationToken));
        }
        if (Volatile.Read(ref _stopping) != 0)
        {
            return Refuse(request, new KernelStoppingException("The kernel is stopping and accepts no new syscalls; submit to a running kernel."));
        }
        SyscallKind kind;
        AccessRequest access;
        try
        {
            ArgumentNullException.ThrowIfNull(request);
            kind = request.Kind;
            SyscallValidator.Validate(request, kind); // before anything is authorized, audited or queued
            access = Describe(request, kind);
        }
        catch (Exception ex) when (ex is SyscallException or ArgumentException)
        {
            return Refuse(request, ex as SyscallException ?? new InvalidRequestException(ex.Message));
        }
        if (Gate?.Admit(request, kind) is { } held)
        {
            return Refuse(request, held);
        }
        if (access.NeedsApproval)
        {
            return ApproveThenSubmitAsync(request, kind, access, cancellationToken);
        }
        // AuthorizeAsync completes synchronously, without allocating, for an allowed request; it waits only for a
        // human approval (irreversible operations) or for the audit log's fsync of a denial.
        long now = _time.GetTimestamp();
        var authorizing = _accessSharesClock ? _access.AuthorizeAt(access, now, cancellationToken) : _access.AuthorizeAsync(access, cancellationToken);
        if (!authorizing.IsCompletedSuccessfully)
        {
            return AuthorizeThenSubmitAsync(authorizing, request, kind, access, cancellationToken);
        }
        var decision = authorizing.Result;
        return decision.Allowed
            ? Submit(request, kind, access, now, cancellationToken)
            : Refuse(request, Denied(decision, access));
    }

    private ValueTask<SyscallResponse> Refuse(SyscallRequest? request, Exception error)
    {
        if (request is not null)
        {
            _observer?.OnRefused(request, error);
        }
        return ValueTask.FromException<SyscallResponse>(error);
    }

    private async ValueTask<SyscallResponse> AuthorizeThenSubmitAsync(ValueTask<AccessDecision> authorizing, SyscallRequest request, SyscallKind kind, AccessRequest access, CancellationToken cancellationToken)
    {
        var decision = await authorizing.ConfigureAwait(false);
        if (!decision.Allowed)
        {
            var denied = Denied(decision, access);
            _observer?.OnRefused(request, denied);
            throw denied;
        }
        return await Submit(request, kind, access, cancellationToken).ConfigureAwait(false);
    }

    // An irreversible syscall may wait minutes for a human. A kernel that begins stopping meanwhile ends the wait with
    // kernel_stopping (it was not run) instead of waiting out the approval timeout, and one approved just as the stop
    // began is not run either: a stopping kernel starts nothing irreversible.
    private async ValueTask<SyscallResponse> ApproveThenSubmitAsync(SyscallRequest request, SyscallKind kind, AccessRequest access, CancellationToken cancellationToken)
    {
        AccessDecision? decision = null;
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stoppingSignal.Token))
        {
            try
            {
                decision = await _access.AuthorizeAsync(access, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stoppingSignal.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // The stop ended the wait: refused below.
            }
        }
        if (decision is not { } made || (made.Allowed && Volatile.Read(ref _stopping) != 0))
        {
            var stopping = new KernelStoppingException("The kernel began stopping while this syscall waited for its approval; it was not run. Submit it again to a running kernel.");
            _observer?.OnRefused(request, stopping);
            throw stopping;
        }
        if (!made.Allowed)
        {
            var denied = Denied(made, access);
            _observer?.OnRefused(request, denied);
            throw denied;
        }
        return await Submit(request, kind, access, cancellationToken).ConfigureAwait(false);
    }

    private ValueTask<SyscallResponse> Submit(SyscallRequest request, SyscallKind kind, AccessRequest access, CancellationToken cancellationToken) =>
        Submit(request, kind, access, _time.GetTimestamp(), cancellationToken);

    // now: a reading of this router's clock taken just before (the synchronous path shares the access decision's).
    private ValueTask<SyscallResponse> Submit(SyscallRequest request, SyscallKind kind, AccessRequest access, long now, CancellationToken cancellationToken)
    {
        var syscall = _pool.Rent();
        syscall.Id = Interlocked.Increment(ref _nextId);
        syscall.Kind = kind;
        syscall.Request = request;
        syscall.Access = access;
        syscall.Router = this;
        syscall.Clock = Clock;
        syscall.SubmittedAt = now;
        var ticket = syscall.Ticket;
        ticket.Priority = request.Priority;
        ticket.Deadline = request.Deadline;
        ticket.EstimatedCost = request.EstimatedCost;
        ticket.FlowId = StringComparer.Ordinal.GetHashCode(request.AgentId);
        ticket.SubmissionId = syscall.Id;
        // Read the awaitable before publishing: once published, the envelope may complete and be recycled.
        var result = syscall.AsValueTask();
        syscall.RunToken = _shutdown.Token;
        if (cancellationToken.CanBeCanceled)
        {
            syscall.CancellationToken = cancellationToken;
            syscall.LinkedRunSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutdown.Token);
            syscall.RunToken = syscall.LinkedRunSource.Token;
            syscall.CancelRegistration = cancellationToken.UnsafeRegister(static state =>
            {
                var s = (Syscall)state!;
                s.Router._queues[(int)s.Kind].Cancel(s);
            }, syscall);
        }
        _observer?.OnSubmitted(syscall);
        var queue = _queues[(int)kind];
        try
        {
            if (!(ReferenceEquals(queue.Clock, _time) ? queue.TryEnqueueAt(syscall, now) : queue.TryEnqueue(syscall)))
            {
                _ = EnqueueWhenRoomAsync(queue, syscall);
            }
        }
        catch (QueueStoppedException ex)
        {
            Fail(syscall, new KernelStoppingException("The kernel is stopping and accepts no new syscalls; submit to a running kernel.", ex));
        }
        return result;
    }

    // The inbox was full: wait for room without blocking the caller's thread (the awaitable is already returned).
    private async Task EnqueueWhenRoomAsync(ResourceQueue<Syscall> queue, Syscall syscall)
    {
        try
        {
            await queue.EnqueueAsync(syscall, syscall.CancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Fail(syscall, new SyscallCancelledException("The syscall was cancelled while it waited for room in its queue.", syscall.CancellationToken));
        }
        catch (QueueStoppedException ex)
        {
            Fail(syscall, new KernelStoppingException("The kernel stopped before the syscall could be queued.", ex));
        }
    }

    // ---- called by the managers (through SyscallExecutor) on dispatcher threads ----

    public void OnDispatched(Syscall syscall)
    {
        syscall.DispatchedAt = _time.GetTimestamp();
        _observer?.OnDispatched(syscall);
    }

    public void OnCompleted(Syscall syscall) => End(syscall);

    public void OnRejected(Syscall syscall, JobRejection reason)
    {
        syscall.Record(reason switch
        {
            JobRejection.Cancelled => new SyscallCancelledException("The syscall was cancelled while it waited in its queue.", syscall.CancellationToken),
            JobRejection.DeadlineExpired => new DeadlineExceededException(
                $"The syscall's deadline ({syscall.Ticket.Deadline:O}) passed while it waited in the {syscall.Kind} queue; it did not run. Give it a later deadline or a higher priority."),
            _ => new KernelStoppingException("The kernel stopped before the syscall ran; submit it to a running kernel."),
        });
        End(syscall);
    }

    private void Fail(Syscall syscall, Exception error)
    {
        syscall.Record(error);
        End(syscall);
    }

    // Every syscall that got an envelope ends here, exactly once.
    private void End(Syscall syscall)
    {
        // A failure the Reactor takes on is not the end: the same envelope runs again (see SyscallRouter.Recovery.cs).
        if (syscall.Error is not null && Recovery is not null && TryRecover(syscall))
        {
            return;
        }
        if (syscall.Attempt != 0)
        {
            Recovery?.Ended(Failure(syscall, syscall.Error as SyscallException));
        }
        syscall.CompletedAt = _time.GetTimestamp();
        _access.Complete(syscall.Access, syscall.TokensUsed);
        Gate?.Ended(syscall.Request, syscall.Kind, syscall.TokensUsed, syscall.Error is null);
        _observer?.OnCompleted(syscall);
        syscall.Complete();
    }

    // ---- describing a request to the access manager ----

    private AccessRequest Describe(SyscallRequest request, SyscallKind kind)
    {
        var access = DescribeQuery(request, kind);
        return request.ActedBy is null ? access : access with { ActedBy = request.ActedBy };
    }

    private AccessRequest DescribeQuery(SyscallRequest request, SyscallKind kind)
    {
        string agent = request.AgentId;
        switch (kind)
        {
            case SyscallKind.Llm:
                var llm = request.Llm!;
                int estimate = request.EstimatedCost > 0 ? (int)Math.Min(request.EstimatedCost, int.MaxValue) : llm.MaxTokens;
                return new AccessRequest(agent, ResourceKind.Llm, AccessOperation.Generate, _llmBackendName(agent, llm), estimate);
            case SyscallKind.Memory:
                var memory = request.Memory!;
                var memoryOperation = memory.Operation is MemoryOperation.Get or MemoryOperation.Search ? AccessOperation.Read : AccessOperation.Write;
                return new AccessRequest(agent, ResourceKind.Memory, memoryOperation, memory.Owner ?? agent);
            case SyscallKind.Storage:
                var storage = request.Storage!;
                var storageOperation = storage.Operation switch
                {
                    StorageOperation.Read or StorageOperation.List or StorageOperation.Versions or StorageOperation.Stat => AccessOperation.Read,
                    StorageOperation.Delete => AccessOperation.Delete,
                    _ => AccessOperation.Write,
                };
                // A listing names a folder ("agents/alice/"): the access check takes the folder itself.
                string target = storage.Operation == StorageOperation.List && storage.Path.Length > 1 ? storage.Path.TrimEnd('/') : storage.Path;
                return new AccessRequest(agent, ResourceKind.Storage, storageOperation, target, Irreversible: storageOperation == AccessOperation.Delete);
            default:
                var call = request.Tool!.Call;
                var tool = _tools.Get(call.Name);
                return new AccessRequest(agent, ResourceKind.Tool, AccessOperation.Call, tool.Name, Irreversible: tool.Irreversible) { CallId = call.Id };
        }
    }

    // The typed error a refusal becomes; the OpenAI endpoint's embeddings, checked outside a syscall, share it.
    internal static SyscallException Denied(AccessDecision decision, AccessRequest access)
    {
        string message = decision.Message ?? $"Agent '{access.AgentId}' may not {access.Operation} {access.Resource} '{access.Target}'.";
        return decision.Reason switch
        {
            DenialReason.BudgetExceeded or DenialReason.ConcurrencyLimit => new BudgetExceededException(message) { RetryAfter = decision.RetryAfter },
            DenialReason.InvalidPath => new InvalidRequestException(message),
            DenialReason.ApprovalRequired or DenialReason.ApprovalDenied => new PermissionDeniedException(message),
            _ => new PermissionDeniedException(message),
        };
    }
}
