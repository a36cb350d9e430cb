namespace AgentOS.Mcp.Protocol;

/// <summary>MCP's log levels (RFC 5424's severities), least severe first.</summary>
public static class McpLogLevels
{
    /// <summary>Every level, least severe first.</summary>
    public static IReadOnlyList<string> All { get; } = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"];

    /// <summary>A level's rank (0 for debug .. 7 for emergency), or -1 when it is not a level.</summary>
    public static int Rank(string? level) => level switch
    {
        "debug" => 0,
        "info" => 1,
        "notice" => 2,
        "warning" => 3,
        "error" => 4,
        "critical" => 5,
        "alert" => 6,
        "emergency" => 7,
        _ => -1,
    };
}
