namespace AgentOS.Mcp.Protocol;

/// <summary>
/// The MCP protocol revisions AgentOS speaks, newest first, and the negotiation rule of <c>initialize</c>: a server
/// answers the client's revision when it speaks it, otherwise its own newest, and the client decides whether to go on.
/// </summary>
public static class McpProtocolVersions
{
    /// <summary>The revision AgentOS prefers.</summary>
    public const string Latest = "2025-11-25";

    /// <summary>The previous revision (structured tool output, elicitation; no batches).</summary>
    public const string V20250618 = "2025-06-18";

    /// <summary>The first Streamable HTTP revision (the last with JSON-RPC batches).</summary>
    public const string V20250326 = "2025-03-26";

    /// <summary>Every revision spoken, newest first.</summary>
    public static IReadOnlyList<string> Supported { get; } = [Latest, V20250618, V20250326];

    /// <summary>Whether <paramref name="version"/> is spoken.</summary>
    public static bool IsSupported(string? version) => version is Latest or V20250618 or V20250326;

    /// <summary>The revision to answer a client that asked for <paramref name="requested"/>.</summary>
    public static string Negotiate(string? requested) => IsSupported(requested) ? requested! : Latest;

    /// <summary>
    /// Whether a session of <paramref name="version"/> accepts JSON-RPC batches. 2025-03-26 required them; 2025-06-18
    /// removed them, so later sessions answer a batch with one Invalid Request error.
    /// </summary>
    public static bool AllowsBatches(string? version) => version is V20250326;
}
