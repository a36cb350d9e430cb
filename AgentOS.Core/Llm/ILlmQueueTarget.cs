namespace AgentOS.Llm;

/// <summary>What the self-improving loop tunes: an LLM queue whose settings can be read and replaced while it runs.</summary>
public interface ILlmQueueTarget
{
    /// <summary>The settings in force.</summary>
    LlmQueueSettings Current { get; }

    /// <summary>The backends the queue runs calls on, by name, with their declared slots (the most
    /// <see cref="LlmQueueSettings.BackendSlots"/> may give each). Empty: the target has no per-backend settings, and
    /// the loop proposes none.</summary>
    IReadOnlyDictionary<string, int> Backends => new Dictionary<string, int>();

    /// <summary>Replaces the settings; waiting calls move to the new policy, none lost, running calls unaffected.</summary>
    void Apply(LlmQueueSettings settings);
}
