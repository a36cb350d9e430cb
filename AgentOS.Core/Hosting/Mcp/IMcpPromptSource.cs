using AgentOS.Mcp.Protocol;

namespace AgentOS.Hosting.Mcp;

/// <summary>A family of MCP prompts (the registered agents' prompts; the conformance fixtures).</summary>
internal interface IMcpPromptSource
{
    /// <summary>Its prompts.</summary>
    IEnumerable<Prompt> List();

    /// <summary>The prompt filled with <paramref name="arguments"/>, or <see langword="null"/> when it has no prompt of that name.</summary>
    /// <exception cref="AgentOS.Mcp.McpException">Invalid params: a required argument is missing.</exception>
    GetPromptResult? Get(string name, IReadOnlyDictionary<string, string> arguments);
}
