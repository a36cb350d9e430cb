namespace AgentOS.Kernel;

// The config's agents (durable branch): agents declared without code.
public sealed partial class KernelConfig
{
    /// <summary>Agents the kernel registers at start (see <see cref="AgentConfig"/>).</summary>
    public IReadOnlyList<AgentConfig>? Agents { get; init; }

    private void ValidateAgents(string source)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var agent in Agents ?? [])
        {
            if (agent is null)
            {
                throw new KernelConfigException($"{source}: agents holds a null entry; each entry is an object with a name and steps.");
            }
            try
            {
                agent.Validate();
            }
            catch (ArgumentException ex)
            {
                throw new KernelConfigException($"{source}: {ex.Message}", ex);
            }
            if (!names.Add(agent.Name))
            {
                throw new KernelConfigException($"{source}: agents names '{agent.Name}' twice; each agent needs its own name.");
            }
        }
    }
}
