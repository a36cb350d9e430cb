namespace AgentOS.Kernel;

/// <summary>A registered agent's run counts.</summary>
public sealed record AgentStatus(string Name, string Description, int Running, long Completed, long Failed);
