namespace AgentOS.Reactor;

/// <summary>
/// Failover (<c>failover</c>). Trigger: an LLM syscall queued for, or failed on, a backend that is marked down (by
/// the circuit breaker or by hand). Action: move it at once to another backend that serves its model and that the
/// agent may use (the router's own routing decides which). Verification: it completes there. Counted in the retry
/// budget and attempts, so a syscall cannot bounce between backends forever.
/// </summary>
public sealed class FailoverPlaybook : Playbook
{
    internal FailoverPlaybook(FailoverPlaybookOptions options) : base("failover", options.Enabled)
    {
    }

    internal override void Start(ReactorEngine engine)
    {
        // Driven by the router's recovery seam, like retry.
    }
}
