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
        string id = "mcp-" + Interlocked.Increment(ref s_next).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Running[id] = context;
        return id;
    }

    public static void Remove(string callId) => Running.TryRemove(callId, out _);

    /// <summary>A running MCP call of <paramref name="tool"/> by a session acting as <paramref name="agentId"/> (the
    /// approver's way back to the client, since an approval names the agent and the tool, not the call).</summary>
    public static McpRequestContext? FindFor(string agentId, string tool) =>
        Running.Values.FirstOrDefault(c => string.Equals(c.Tool, tool, StringComparison.Ordinal) && string.Equals(c.Session.AgentId, agentId, StringComparison.Ordinal));

    /// <summary>The MCP request behind a tool call, when an MCP client made it.</summary>
    public static McpRequestContext? Find(string? callId) => callId is not null && Running.TryGetValue(callId, out var context) ? context : null;
}
