using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AgentOS.Mcp;
using AgentOS.Mcp.JsonRpc;
using AgentOS.Mcp.Protocol;
using AgentOS.Serialization;

namespace AgentOS.Hosting.Mcp;

// What the server sends of its own accord: requests to the client (sampling, elicitation), whose answers arrive as
// messages like any other, and log messages filtered by the level the client set.
internal sealed partial class McpSession
{
    private readonly ConcurrentDictionary<JsonRpcId, TaskCompletionSource<JsonElement>> _outbound = new();
    private long _nextOutboundId;
    private int _logLevel = -1; // -1: the client set no level, so no log messages are sent

    /// <summary>Whether the client offered sampling (<c>sampling/createMessage</c>).</summary>
    public bool ClientSamples => ClientCapabilities?.Sampling is not null;

    /// <summary>Whether the client offered tools inside sampling (<c>sampling.tools</c>): its model can plan tool calls.</summary>
    public bool ClientSamplesTools => ClientCapabilities?.Sampling?.Tools is not null;

    /// <summary>Whether the client offered elicitation (<c>elicitation/create</c>).</summary>
    public bool ClientElicits => ClientCapabilities?.Elicitation is not null;

    /// <summary>Sends a request to the client and waits for its answer.</summary>
    /// <exception cref="McpException">The client answered with an error, or the session ended.</exception>
    public async Task<JsonElement> RequestAsync<T>(IMcpSink sink, string method, T parameters, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        var id = JsonRpcId.FromString("s" + Interlocked.Increment(ref _nextOutboundId).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _outbound[id] = answer;
        try
        {
            await sink.SendAsync(McpMessages.Request(id, method, parameters, typeInfo), cancellationToken).ConfigureAwait(false);
            using var registration = cancellationToken.Register(() =>
            {
                if (answer.TrySetCanceled(cancellationToken))
                {
                    // Tell the client to stop asking its user or model; it must not answer any more.
                    _ = sink.SendAsync(McpMessages.Notification(McpMethods.CancelledNotification, new CancelledParams { RequestId = id, Reason = "the request that asked was cancelled" }, AgentOSJsonContext.Default.CancelledParams), CancellationToken.None).AsTask();
                }
            });
            return await answer.Task.ConfigureAwait(false);
        }
        finally
        {
            _outbound.TryRemove(id, out _);
        }
    }

    private void CompleteOutbound(JsonRpcId id, JsonElement result, JsonRpcError? error)
    {
        if (!_outbound.TryRemove(id, out var answer))
        {
            return; // an answer to nothing we asked (or asked and gave up on): ignored
        }
        if (error is null)
        {
            answer.TrySetResult(result);
        }
        else
        {
            answer.TrySetException(new McpException(error.Code, $"The client refused {id}: {error.Message}", error.Data));
        }
    }

    private void FailOutbound(string reason)
    {
        foreach (var (id, answer) in _outbound)
        {
            answer.TrySetException(new McpException(JsonRpcErrorCodes.InternalError, reason));
            _outbound.TryRemove(id, out _);
        }
    }

    private void SetLevel(string level)
    {
        int rank = McpLogLevels.Rank(level);
        if (rank < 0)
        {
            throw McpException.InvalidParams($"Invalid params: '{level}' is not a log level; use one of {string.Join(", ", McpLogLevels.All)}.");
        }
        Volatile.Write(ref _logLevel, rank);
        EnsureSyscallLogging();
    }

    /// <summary>Sends a log message when the client's level lets it through.</summary>
    public ValueTask LogAsync(IMcpSink sink, string level, string text, string? logger, CancellationToken cancellationToken)
    {
        int wanted = Volatile.Read(ref _logLevel);
        if (wanted < 0 || McpLogLevels.Rank(level) < wanted)
        {
            return ValueTask.CompletedTask;
        }
        var data = JsonSerializer.SerializeToElement(text, AgentOSJsonContext.Default.String);
        return sink.SendAsync(McpMessages.Notification(McpMethods.MessageNotification, new LoggingMessageParams { Level = level, Logger = logger, Data = data }, AgentOSJsonContext.Default.LoggingMessageParams), cancellationToken);
    }

    private AgentOS.Events.EventSubscription? _syscallLog;

    // Once the client sets a level, the session's agent's syscalls are logged to it: failures and refusals as
    // warnings, completions as debug.
    private void EnsureSyscallLogging()
    {
        if (_syscallLog is not null)
        {
            return;
        }
        var subscription = Server.Kernel.Events.Subscribe<AgentOS.Syscalls.SyscallEvent>(e =>
        {
            if (!string.Equals(e.AgentId, AgentId, StringComparison.Ordinal))
            {
                return;
            }
            (string level, string text) = e.Stage switch
            {
                AgentOS.Syscalls.SyscallStage.Failed or AgentOS.Syscalls.SyscallStage.Refused => ("warning", $"syscall {e.SyscallId} ({e.Kind}) {e.Stage}: {e.Error}"),
                AgentOS.Syscalls.SyscallStage.Completed => ("debug", $"syscall {e.SyscallId} ({e.Kind}) completed"),
                _ => ("", ""),
            };
            if (level.Length > 0)
            {
                _ = LogAsync(SessionSink, level, text, "agentos.syscalls", CancellationToken.None).AsTask();
            }
        }, new AgentOS.Events.SubscriptionOptions { Name = "mcp-log" });
        if (Interlocked.CompareExchange(ref _syscallLog, subscription, null) is not null)
        {
            _ = subscription.DisposeAsync().AsTask();
        }
    }
}
