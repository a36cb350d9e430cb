namespace AgentOS.Llm;

/// <summary>What the self-improving loop tunes: an LLM queue whose settings can be read and replaced while it runs.</summary>
public interface ILlmQueueTarget
{
    /// <summary>The settings in force.</summary>
    LlmQueueSettings Current { get; }

    /// <summary>Replaces the settings; waiting calls move to the new policy, none lost, running calls unaffected.</summary>
    void Apply(LlmQueueSettings settings);
}
