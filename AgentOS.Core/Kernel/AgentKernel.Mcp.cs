using AgentOS.Syscalls.Queries;
using AgentOS.Tools.Mcp;

namespace AgentOS.Kernel;

// Tools that come and go while the kernel runs: external MCP servers, and the tools an agent is shown.
public sealed partial class AgentKernel
{
    /// <summary>The external MCP servers whose tools this kernel offers (from <see cref="KernelOptions.McpServers"/>, and
    /// any added at run time).</summary>
    public McpServers Mcp { get; }

    /// <summary>The settings of this kernel's MCP server (the hosts read them).</summary>
    internal AgentOS.Mcp.McpOptions McpOptions => _options.Mcp;

    /// <summary>The tools <paramref name="agentId"/> may call, as a model sees them, by name (none for an unknown agent).</summary>
    public IReadOnlyList<ToolSpec> ToolsFor(string agentId)
    {
        ArgumentNullException.ThrowIfNull(agentId);
        return [.. Tools.All.Where(t => _access.MayCallTool(agentId, t.Name)).Select(t => t.Spec)];
    }

    private McpServers StartMcpServers(KernelOptions options)
    {
        var servers = new McpServers(Tools, Time, options.McpSandbox ?? (Sessions is { } sessions ? HostedSandbox(sessions) : null));
        foreach (var config in options.McpServers ?? [])
        {
            servers.Add(config);
        }
        return servers;
    }

    // A stdio server configured with sandbox: true runs inside a session the kernel holds for it ("mcp:NAME"): it sees
    // that session's workspace and nothing of the host beyond the read-only system folders and tool_binds, has no
    // network, and runs as the session's own uid. Restarts reuse the session, so its files outlive a crash.
    private static Func<McpServerConfig, Computer.ISessionHost> HostedSandbox(Computer.Sessions.SessionManager sessions)
    {
        var held = new System.Collections.Concurrent.ConcurrentDictionary<string, Computer.Sessions.ComputerSession>(StringComparer.Ordinal);
        return config =>
        {
            lock (held)
            {
                if (held.TryGetValue(config.Name, out var session) && sessions.IsLive(session))
                {
                    return session;
                }
                return held[config.Name] = sessions.CreateHosted("mcp:" + config.Name);
            }
        };
    }
}
