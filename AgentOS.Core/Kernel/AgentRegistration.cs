using AgentOS.Sdk;

namespace AgentOS.Kernel;

/// <summary>A registered agent: its name (its identity), its privilege groups and how to create it. Factories, not
/// reflection: the kernel stays AOT-compatible.</summary>
public sealed record AgentRegistration(string Name, Func<Agent> Factory, IReadOnlyList<string> Groups, string Description = "");
