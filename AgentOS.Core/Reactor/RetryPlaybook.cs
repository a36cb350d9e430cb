using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;

namespace AgentOS.Reactor;

/// <summary>
/// Retry of transient failures (<c>retry</c>). Trigger: a syscall's run failed rate limited or backend failed (errors,
/// timeouts, cut streams) — an LLM syscall, or a tool call of a tool declared idempotent. Action: run it again after
/// an exponential backoff with jitter, never sooner than the Retry-After the backend named, only if that still ends
/// before the syscall's own deadline, within <see cref="RetryPlaybookOptions.MaxAttempts"/> runs and the retry budget.
/// Verification: the retried syscall completes; if it fails for good the case is unverified and its caller gets the
/// last typed error (there is nothing to undo: a retry changes no state).
/// </summary>
public sealed class RetryPlaybook : Playbook
{
    private readonly RetryPlaybookOptions _options;
    private readonly Random _jitter;

    internal RetryPlaybook(RetryPlaybookOptions options) : base("retry", options.Enabled)
    {
        _options = options;
        _jitter = options.Seed is { } seed ? new Random(seed) : new Random();
    }

    internal int MaxAttempts => _options.MaxAttempts;

    internal int BudgetPerMinute => _options.BudgetPerMinute;

    internal override void Start(ReactorEngine engine)
    {
        // Driven by the router's recovery seam (the syscall must not end before the decision), not a subscription.
    }

    /// <summary>Whether the failure is one this playbook retries.</summary>
    internal static bool Transient(in SyscallFailure failure) =>
        failure.Error is RateLimitedException or BackendFailedException
        && (failure.Kind == SyscallKind.Llm || (failure.Kind == SyscallKind.Tool && failure.Idempotent));

    /// <summary>The backoff before run number <paramref name="attempt"/> + 1 (attempt 0 is the first run).</summary>
    internal TimeSpan Delay(int attempt, TimeSpan? retryAfter)
    {
        double ceiling = Math.Min(_options.MaxDelayMs, _options.BaseDelayMs * Math.Pow(2, attempt));
        double fraction;
        lock (_jitter)
        {
            fraction = 0.5 + (0.5 * _jitter.NextDouble());
        }
        var backoff = TimeSpan.FromMilliseconds(ceiling * fraction);
        return retryAfter is { } wait && wait > backoff ? wait : backoff;
    }
}
