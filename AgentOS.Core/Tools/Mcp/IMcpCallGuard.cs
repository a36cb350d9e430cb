using AgentOS.Syscalls.Errors;

namespace AgentOS.Tools.Mcp;

/// <summary>
/// A connection's seam for a circuit breaker per MCP server: every tool call is shown here before it is sent, and
/// refused at once with a typed error while the server's breaker is open; every call that reached the server reports
/// how it ended. The kernel's Reactor implements it.
/// </summary>
/// <remarks>Called on the calling thread: quick, non-blocking, never throwing.</remarks>
internal interface IMcpCallGuard
{
    /// <summary><see langword="null"/> sends the call; an error fails it without touching the server.</summary>
    BackendFailedException? Admit(McpServerConnection server);

    /// <summary>A call that was sent ended: <paramref name="failure"/> is null when the server answered it, else why
    /// the server failed it (an internal error, a timeout, the connection lost).</summary>
    void Ended(McpServerConnection server, string? failure);
}
