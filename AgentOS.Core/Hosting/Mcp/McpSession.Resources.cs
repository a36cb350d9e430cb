using System.Collections.Concurrent;
using AgentOS.Mcp;
using AgentOS.Mcp.JsonRpc;
using AgentOS.Mcp.Protocol;
using AgentOS.Serialization;

namespace AgentOS.Hosting.Mcp;

// resources/* and completion/complete, through the resource sources; subscriptions send
// notifications/resources/updated on the session's own stream when a watched resource changes.
internal sealed partial class McpSession
{
    private readonly ConcurrentDictionary<string, IAsyncDisposable?> _subscriptions = new(StringComparer.Ordinal);

    /// <summary>The URIs the client subscribed to.</summary>
    public ICollection<string> Subscriptions => _subscriptions.Keys;

    private async ValueTask<byte[]?> ListResourcesAsync(JsonRpcId id, CancellationToken cancellationToken)
    {
        var all = new List<Resource>();
        foreach (var source in Server.ResourceSources)
        {
            all.AddRange(await source.ListAsync(this, cancellationToken).ConfigureAwait(false));
        }
        return McpMessages.Result(id, new ListResourcesResult { Resources = all }, AgentOSJsonContext.Default.ListResourcesResult);
    }

    private async ValueTask<byte[]?> ReadResourceAsync(JsonRpcId id, string uri, CancellationToken cancellationToken)
    {
        var source = Server.ResourceSource(uri) ?? throw NotFound(uri);
        var result = await source.ReadAsync(this, uri, cancellationToken).ConfigureAwait(false);
        return McpMessages.Result(id, result, AgentOSJsonContext.Default.ReadResourceResult);
    }

    internal static McpException NotFound(string uri) =>
        new(JsonRpcErrorCodes.ResourceNotFound, $"Resource not found: '{uri}' (resources/list and resources/templates/list name what exists).");

    private async ValueTask<byte[]?> SubscribeAsync(JsonRpcId id, string uri, CancellationToken cancellationToken)
    {
        var source = Server.ResourceSource(uri) ?? throw NotFound(uri);
        if (!_subscriptions.ContainsKey(uri))
        {
            var watch = await source.WatchAsync(this, uri, cancellationToken).ConfigureAwait(false);
            if (!_subscriptions.TryAdd(uri, watch) && watch is not null)
            {
                await watch.DisposeAsync().ConfigureAwait(false);
            }
        }
        return McpMessages.Result(id, new McpEmpty(), AgentOSJsonContext.Default.McpEmpty);
    }

    private void Unsubscribe(string uri)
    {
        if (_subscriptions.TryRemove(uri, out var watch) && watch is not null)
        {
            _ = watch.DisposeAsync().AsTask();
        }
    }

    /// <summary>Tells the client a subscribed resource changed (a source calls this).</summary>
    public ValueTask ResourceChangedAsync(string uri)
    {
        if (!_subscriptions.ContainsKey(uri))
        {
            return ValueTask.CompletedTask;
        }
        return SessionSink.SendAsync(McpMessages.Notification(McpMethods.ResourceUpdatedNotification, new ResourceUpdatedParams { Uri = uri }, AgentOSJsonContext.Default.ResourceUpdatedParams));
    }

    private async ValueTask DisposeSubscriptionsAsync()
    {
        foreach (var uri in _subscriptions.Keys)
        {
            if (_subscriptions.TryRemove(uri, out var watch) && watch is not null)
            {
                await watch.DisposeAsync().ConfigureAwait(false);
            }
        }
        if (_syscallLog is { } log)
        {
            await log.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask<byte[]?> CompleteAsync(JsonRpcId id, CompleteRequestParams request, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> values = [];
        if (request.Ref.Type == "ref/resource" && request.Ref.Uri is { } template)
        {
            foreach (var source in Server.ResourceSources)
            {
                if (source.Templates.Any(t => t.UriTemplate == template))
                {
                    values = await source.CompleteAsync(this, template, request.Argument.Name, request.Argument.Value, cancellationToken).ConfigureAwait(false);
                    break;
                }
            }
        }
        else if (request.Ref.Type is not ("ref/prompt" or "ref/resource"))
        {
            throw McpException.InvalidParams($"Invalid params: ref.type '{request.Ref.Type}' is neither ref/prompt nor ref/resource.");
        }
        var page = values.Count > 100 ? [.. values.Take(100)] : values;
        return McpMessages.Result(id, new CompleteResult { Completion = new Completion { Values = page, Total = values.Count, HasMore = values.Count > page.Count } }, AgentOSJsonContext.Default.CompleteResult);
    }
}
