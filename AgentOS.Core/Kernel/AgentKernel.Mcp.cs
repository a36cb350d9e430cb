using AgentOS.Tools.Mcp;

namespace AgentOS.Kernel;

// External MCP servers as tool providers.
public sealed partial class AgentKernel
{
    /// <summary>The external MCP servers whose tools this kernel offers (from <see cref="KernelOptions.McpServers"/>, and
    /// any added at run time).</summary>
    public McpServers Mcp { get; }

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
