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

    /// <summary>Output-length distributions per (agent, call site), for the Gittins policy and the self-improving loop.</summary>
    public LengthDistributions<Syscall> Lengths { get; } = new(static s => (s.Request.AgentId, s.Request.Llm?.CallSite ?? ""));

    public double Estimate(Syscall item) => item.Ticket.EstimatedCost > 0 ? item.Ticket.EstimatedCost : Learned.Estimate(item);

    /// <summary>Learns from a finished generation (the envelope may already be recycled: pass what it was).</summary>
    public void Observe(string agentId, string callSite, int completionTokens)
    {
        Learned.Observe(agentId, callSite, completionTokens);
        Lengths.Observe(agentId, callSite, completionTokens);
    }
}
