using System.Collections.Concurrent;

namespace AgentOS.Hosting.Mcp;

/// <summary>
/// The MCP requests whose tool calls are running, by the call id the session gives each call. A tool that speaks MCP
/// (reports progress, logs, asks the client's user or model) runs as an ordinary kernel tool on the kernel's tool
/// queue, where nothing of the MCP request flows; it finds its request here from <see cref="Tools.ToolCallContext.CallId"/>.
/// </summary>
internal static class McpToolCalls
{
    private static readonly ConcurrentDictionary<string, McpRequestContext> Running = new(StringComparer.Ordinal);
    private static long s_next;

    public static string Add(McpRequestContext context)
    {
        // Unguessable, since approvals are routed by it: another caller naming its call so must not borrow this one's.
        string id = "mcp-" + Interlocked.Increment(ref s_next).ToString(System.Globalization.CultureInfo.InvariantCulture)
            + "-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        Running[id] = context;
        return id;
    }

    public static void Remove(string callId) => Running.TryRemove(callId, out _);

    /// <summary>The MCP request behind a tool call, when an MCP client made it.</summary>
    public static McpRequestContext? Find(string? callId) => callId is not null && Running.TryGetValue(callId, out var context) ? context : null;
}
