using AgentOS.Hosting.Mcp;
using AgentOS.Kernel;
using AgentOS.Llm;
using AgentOS.Tools;

namespace AgentOS.Hosting;

/// <summary>What every host entry point (<c>serve</c>, <c>mcp --as</c>) adds to the kernel options it loaded, so the two
/// cannot drift apart.</summary>
internal static class HostKernelOptions
{
    /// <summary>The built-in tools, and connected MCP clients' models as one more LLM backend (<c>mcp-sampling</c>) after
    /// the configured ones (the echo backend when none are configured).</summary>
    public static KernelOptions WithHostDefaults(KernelOptions options, McpSamplingBackend sampling)
    {
        options.Tools.AddBuiltIns(options.TimeProvider);
        return options with { LlmBackends = [.. options.LlmBackends ?? [new EchoLlmBackend(time: options.TimeProvider)], sampling] };
    }
}
