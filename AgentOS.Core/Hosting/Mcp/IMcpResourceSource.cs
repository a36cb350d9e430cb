using AgentOS.Mcp.Protocol;

namespace AgentOS.Hosting.Mcp;

/// <summary>A family of MCP resources (the kernel's storage and memory; the conformance fixtures), by URI scheme.</summary>
internal interface IMcpResourceSource
{
    /// <summary>The templates it serves.</summary>
    IReadOnlyList<ResourceTemplate> Templates { get; }

    /// <summary>Whether <paramref name="uri"/> is one of its resources.</summary>
    bool Owns(string uri);

    /// <summary>The resources the session may list.</summary>
    ValueTask<IReadOnlyList<Resource>> ListAsync(McpSession session, CancellationToken cancellationToken);

    /// <summary>Reads one resource as the session's agent.</summary>
    /// <exception cref="AgentOS.Mcp.McpException">Resource not found (-32002) or invalid params.</exception>
    ValueTask<ReadResourceResult> ReadAsync(McpSession session, string uri, CancellationToken cancellationToken);

    /// <summary>Suggestions for a template argument.</summary>
    ValueTask<IReadOnlyList<string>> CompleteAsync(McpSession session, string uriTemplate, string argument, string value, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<string>>([]);

    /// <summary>Starts watching <paramref name="uri"/> for the session (checking it may read it); the source calls
    /// <see cref="McpSession.ResourceChangedAsync"/> when it changes. Returns what stops the watch.</summary>
    ValueTask<IAsyncDisposable?> WatchAsync(McpSession session, string uri, CancellationToken cancellationToken) => ValueTask.FromResult<IAsyncDisposable?>(null);
}
