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
        var servers = new McpServers(Tools, Time, options.McpSandbox);
        foreach (var config in options.McpServers ?? [])
        {
            servers.Add(config);
        }
        return servers;
    }
}
