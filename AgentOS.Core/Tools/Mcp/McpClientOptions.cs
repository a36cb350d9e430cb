using AgentOS.Mcp.JsonRpc;
using AgentOS.Mcp.Protocol;

namespace AgentOS.Tools.Mcp;

/// <summary>How an <see cref="McpClient"/> presents itself and answers its server.</summary>
public sealed class McpClientOptions
{
    /// <summary>The name and version sent at initialize.</summary>
    public Implementation ClientInfo { get; init; } = new() { Name = "agentos", Version = AgentOSInfo.Version };

    /// <summary>The clock that times requests.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How long a request may wait for its answer (default 60 s); past it the request fails and the server is
    /// told to cancel it.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Answers the server's <c>elicitation/create</c> (form mode). Unset: the client does not declare
    /// elicitation, and such requests are refused.</summary>
    public Func<ElicitRequestParams, CancellationToken, ValueTask<ElicitResult>>? Elicitation { get; init; }

    /// <summary>Called with each notification from the server (<c>notifications/tools/list_changed</c>, logging, ...).</summary>
    public Func<JsonRpcNotification, ValueTask>? Notification { get; init; }
}
