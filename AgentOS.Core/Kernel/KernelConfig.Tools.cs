using AgentOS.Tools;

namespace AgentOS.Kernel;

// The config's tools: mcp_servers and http_tools.
public sealed partial class KernelConfig
{
    private void ValidateTools(string source)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var server in McpServers ?? [])
        {
            if (server is null)
            {
                throw new KernelConfigException($"{source}: mcp_servers holds a null entry; each entry is an object with a name and a command or url.");
            }
            try
            {
                server.Validate();
            }
            catch (ArgumentException ex)
            {
                throw new KernelConfigException($"{source}: mcp_servers: {ex.Message}", ex);
            }
            if (!names.Add(server.Name))
            {
                throw new KernelConfigException($"{source}: mcp_servers names '{server.Name}' twice; each server needs its own name.");
            }
        }
        var tools = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tool in HttpTools ?? [])
        {
            if (tool is null)
            {
                throw new KernelConfigException($"{source}: http_tools holds a null entry; each entry is an object with name, description, url and parameters.");
            }
            try
            {
                HttpTool.Define(tool);
            }
            catch (ArgumentException ex)
            {
                throw new KernelConfigException($"{source}: http_tools: {ex.Message}", ex);
            }
            if (!tools.Add(tool.Name))
            {
                throw new KernelConfigException($"{source}: http_tools names '{tool.Name}' twice; each tool needs its own name.");
            }
        }
    }

    // The registry the config's HTTP tools start in (MCP servers add theirs once the kernel starts them).
    private ToolRegistry ConfiguredTools(TimeProvider time)
    {
        var registry = new ToolRegistry();
        foreach (var tool in HttpTools ?? [])
        {
            registry.AddHttpTool(tool, time);
        }
        return registry;
    }
}
