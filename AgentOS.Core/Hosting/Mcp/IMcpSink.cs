namespace AgentOS.Hosting.Mcp;

/// <summary>
/// Where an MCP session's messages to its client go: stdout lines for stdio; for Streamable HTTP, the SSE stream of
/// the POST that carried a request (messages about that request) or the session's GET stream (everything else).
/// </summary>
internal interface IMcpSink
{
    /// <summary>Sends one JSON-RPC message (UTF-8 JSON, no framing).</summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default);

    /// <summary>Ends the stream carrying a request's messages before its answer, so the client resumes it later (SSE
    /// polling, SEP-1699). Transports without such streams do nothing.</summary>
    ValueTask CloseStreamAsync() => ValueTask.CompletedTask;
}
