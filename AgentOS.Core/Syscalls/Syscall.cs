using System.Threading.Tasks.Sources;
using AgentOS.Scheduling;

namespace AgentOS.Syscalls;

/// <summary>
/// The kernel's envelope for one syscall: the request, its scheduling ticket, its timestamps, and the pooled
/// completion the agent awaits. Envelopes are recycled, so a round trip allocates nothing beyond its payload.
/// </summary>
/// <remarks>
/// Lifecycle: the router rents an envelope, fills it and enqueues it; a manager runs it and records the outcome
/// (<see cref="Record(SyscallResponse)"/>); once the queue is done with it the router completes it
/// (<see cref="Complete"/>), which resumes the awaiting agent on the thread pool — never on a dispatcher thread
/// (<see cref="ManualResetValueTaskSourceCore{TResult}.RunContinuationsAsynchronously"/>). The agent's
/// <c>await</c> reads the result and returns the envelope to the pool. An envelope is awaited exactly once.
/// </remarks>
internal sealed class Syscall : ISchedulable, IValueTaskSource<SyscallResponse>
{
    private static readonly Action<object?> ResumeCounted = static state => ((Syscall)state!).RunCountedContinuation();

    private readonly SyscallPool _pool;
    private ManualResetValueTaskSourceCore<SyscallResponse> _completion;
    private Action<object?>? _continuation;
    private object? _continuationState;
    private bool _continuationRegistered;

    public Syscall(SyscallPool pool)
    {
        _pool = pool;
        _completion.RunContinuationsAsynchronously = true;
    }

    public SchedulingTicket Ticket { get; } = new();

    // Set by a manager that stopped the run at a safe point for the scheduler: the run ends with Yield(this state)
    // instead of Complete, and the next run finds it in Ticket.ResumeState.
    public object? YieldState { get; set; }

    public long Id { get; set; }
    public SyscallKind Kind { get; set; }
    public SyscallRequest Request { get; set; } = null!;
    public SyscallRouter Router { get; set; } = null!;
    public Access.AccessRequest Access { get; set; }
    // The caller's token (cancels the syscall while queued), and the token the manager runs it with: the caller's
    // token linked with the kernel's shutdown token (or just the latter when the caller's cannot cancel).
    public CancellationToken CancellationToken { get; set; }
    public CancellationTokenRegistration CancelRegistration { get; set; }
    public CancellationToken RunToken { get; set; }
    public CancellationTokenSource? LinkedRunSource { get; set; }

    // Monotonic timestamps (TimeProvider ticks) of each transition.
    public long SubmittedAt { get; set; }
    public long DispatchedAt { get; set; }
    public long CompletedAt { get; set; }

    // The outcome the manager recorded, handed to the agent once the queue is done with the envelope.
    public SyscallResponse? Response { get; private set; }
    public Exception? Error { get; private set; }
    public int TokensUsed { get; set; }
    // The rate limiter's charge for this run (LlmRateLimiter.TryStart), which the run's usage corrects; -1 for none.
    public long RateCharge { get; set; } = -1;

    // On a virtual clock: from completion until the awaiting agent has taken the result (its continuation has run, or
    // it read the result without waiting), the agent counts as a runnable step.
    public Time.VirtualClockDriver? Clock { get; set; }

    // The syscall's span, while a listener wants spans.
    public System.Diagnostics.Activity? Activity { get; set; }

    // How many times the kernel ran it again after a transient failure (the Reactor's retries and failovers).
    public int Attempt { get; set; }

    public void Record(SyscallResponse response) => Response = response;

    /// <summary>Forgets a failed run's outcome so the envelope can run again (a retry or a failover).</summary>
    public void ClearOutcome()
    {
        Response = null;
        Error = null;
        TokensUsed = 0;
        RateCharge = -1;
        YieldState = null;
        Ticket.ResetForResubmission();
    }

    public void Record(Exception error) => Error = error;

    public ValueTask<SyscallResponse> AsValueTask() => new(this, _completion.Version);

    /// <summary>Resumes the agent with the recorded outcome. The envelope must not be touched afterwards.</summary>
    public void Complete()
    {
        CancelRegistration.Dispose();
        LinkedRunSource?.Dispose();
        // Before the result is visible: the clock must not move while the agent is about to resume.
        Clock?.StepStarted();
        if (Error is { } error)
        {
            _completion.SetException(error);
        }
        else
        {
            _completion.SetResult(Response!);
        }
    }

    public SyscallResponse GetResult(short token)
    {
        // Read without waiting: the step that Complete started ends here (a continuation's ends after it has run).
        var uncountedRead = _continuationRegistered ? null : Clock;
        try
        {
            return _completion.GetResult(token);
        }
        finally
        {
            Recycle();
            uncountedRead?.StepEnded();
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _completion.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
    {
        if (Clock is null)
        {
            _completion.OnCompleted(continuation, state, token, flags);
            return;
        }
        _continuationRegistered = true;
        _continuation = continuation;
        _continuationState = state;
        _completion.OnCompleted(ResumeCounted, this, token, flags);
    }

    private void RunCountedContinuation()
    {
        // The continuation reads the result, which recycles this envelope: take what is needed first.
        var clock = Clock!;
        var continuation = _continuation!;
        var state = _continuationState;
        _continuation = null;
        _continuationState = null;
        try
        {
            continuation(state);
        }
        finally
        {
            clock.StepEnded();
        }
    }

    private void Recycle()
    {
        Request = null!;
        Router = null!;
        Access = default;
        Response = null;
        Error = null;
        TokensUsed = 0;
        RateCharge = -1;
        Attempt = 0;
        CancellationToken = default;
        CancelRegistration = default;
        RunToken = default;
        LinkedRunSource = null;
        Clock = null;
        _continuationRegistered = false;
        SubmittedAt = DispatchedAt = CompletedAt = 0;
        Ticket.Reset();
        _completion.Reset();
        _pool.Return(this);
    }
}
