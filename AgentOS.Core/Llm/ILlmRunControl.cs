namespace AgentOS.Llm;

/// <summary>What a preemptible run reports to, and asks of, the kernel between tokens.</summary>
public interface ILlmRunControl
{
    /// <summary>Text generated since the last call (called on the backend's thread: must be quick and not block).</summary>
    void OnDelta(string text);

    /// <summary>Whether the run should suspend at this token boundary (the scheduler wants the slot back).</summary>
    bool ShouldSuspend { get; }
}
