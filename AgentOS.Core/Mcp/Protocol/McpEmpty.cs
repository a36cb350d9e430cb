namespace AgentOS.Mcp.Protocol;

/// <summary>An empty object (<c>{}</c>): a capability with no options, the result of <c>ping</c> and of requests that return nothing.</summary>
public sealed class McpEmpty
{
}
