using AgentOS.Mcp.JsonRpc;

namespace AgentOS.Tools.Mcp;

/// <summary>
/// How an <see cref="McpClient"/> reaches its server: a child process over stdio (<see cref="StdioMcpTransport"/>) or a
/// Streamable HTTP endpoint (<see cref="HttpMcpTransport"/>). A transport only moves JSON-RPC messages; the client
/// correlates requests and answers.
/// </summary>
public interface IMcpTransport : IAsyncDisposable
{
    /// <summary>Opens the connection; every message from the server goes to <paramref name="receive"/>, one at a time.</summary>
    Task StartAsync(Func<JsonRpcMessage, ValueTask> receive, CancellationToken cancellationToken = default);

    /// <summary>Sends one message to the server.</summary>
    /// <exception cref="McpServerUnavailableException">The connection is gone.</exception>
    Task SendAsync(JsonRpcMessage message, CancellationToken cancellationToken = default);

    /// <summary>Completes when the connection is gone for good (the process exited, the session ended); its result says why.</summary>
    Task<string> Completion { get; }

    /// <summary>The protocol revision the client and server agreed on (HTTP sends it as a header on later requests).</summary>
    string? ProtocolVersion { get; set; }
}
