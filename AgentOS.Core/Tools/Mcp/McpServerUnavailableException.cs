namespace AgentOS.Tools.Mcp;

/// <summary>An MCP server cannot be reached: its process exited, its connection closed, or it is restarting. Retrying
/// later may succeed; the kernel restarts servers it started.</summary>
public sealed class McpServerUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public McpServerUnavailableException()
        : this("The MCP server is not available.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public McpServerUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public McpServerUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
