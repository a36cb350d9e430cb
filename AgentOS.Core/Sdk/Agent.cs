namespace AgentOS.Sdk;

/// <summary>
/// An agent: code that pursues a task through syscalls. Agents are cheap (async tasks, not threads); the kernel runs
/// one from its registered factory with an <see cref="AgentContext"/> bound to an in-process or remote port.
/// </summary>
public abstract class Agent
{
    /// <summary>Runs the agent on <paramref name="input"/> and returns its answer.</summary>
    public abstract Task<string> RunAsync(AgentContext context, string input, CancellationToken cancellationToken = default);
}
