using AgentOS.Scheduling;
using AgentOS.Syscalls;

namespace AgentOS.Llm;

/// <summary>
/// The LLM queue's cost estimate, in output tokens: the submitter's hint when it gave one, otherwise what the
/// kernel learned online per (agent, call site) — with FIFO order while that learning has no skill.
/// </summary>
internal sealed class LlmCostEstimator : ICostEstimator<Syscall>
{
    public OnlineCostEstimator<Syscall> Learned { get; } = new(static s => (s.Request.AgentId, s.Request.Llm?.CallSite ?? ""));

    private readonly LengthDistributions<Syscall> _lengths = new(static s => (s.Request.AgentId, s.Request.Llm?.CallSite ?? ""));
    private volatile bool _learnLengths;

    /// <summary>
    /// Output-length distributions per (agent, call site), for the Gittins policy and the self-improving loop, learned
    /// from the first call of this on: until something uses them, every LLM call's completion does not pay for a lock
    /// and two lookups it has no reader for.
    /// </summary>
    public LengthDistributions<Syscall> LearnLengths()
    {
        _learnLengths = true;
        return _lengths;
    }

    public double Estimate(Syscall item) => item.Ticket.EstimatedCost > 0 ? item.Ticket.EstimatedCost : Learned.Estimate(item);

    /// <summary>Learns from a finished generation (the envelope may already be recycled: pass what it was).</summary>
    public void Observe(string agentId, string callSite, int completionTokens)
    {
        Learned.Observe(agentId, callSite, completionTokens);
        if (_learnLengths)
        {
            _lengths.Observe(agentId, callSite, completionTokens);
        }
    }
}
