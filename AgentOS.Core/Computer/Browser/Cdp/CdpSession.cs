using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentOS.Computer.Browser.Cdp;

/// <summary>
/// A flat session with one target (a tab) on a <see cref="CdpConnection"/>: every command and event wait names it.
/// Cheap to create; it holds nothing but its ids.
/// </summary>
public sealed class CdpSession
{
    internal CdpSession(CdpConnection connection, string id, string targetId)
    {
        Connection = connection;
        Id = id;
        TargetId = targetId;
    }

    /// <summary>The connection it runs on.</summary>
    public CdpConnection Connection { get; }

    /// <summary>The session's id (the <c>sessionId</c> of its messages).</summary>
    public string Id { get; }

    /// <summary>The target it is attached to.</summary>
    public string TargetId { get; }

    /// <inheritdoc cref="CdpConnection.SendAsync"/>
    public Task<JsonElement> SendAsync(string method, JsonObject? parameters = null, CancellationToken cancellationToken = default) =>
        Connection.SendAsync(method, parameters, Id, cancellationToken);

    /// <inheritdoc cref="CdpConnection.WaitForEventAsync"/>
    public Task<CdpEvent> WaitForEventAsync(string method, Func<CdpEvent, bool>? match = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        Connection.WaitForEventAsync(method, Id, match, timeout, cancellationToken);

    /// <inheritdoc cref="CdpConnection.Subscribe"/>
    public IDisposable Subscribe(string? method, Action<CdpEvent> handler) => Connection.Subscribe(method, handler, Id);

    /// <summary>Closes the target (the tab); the session detaches with it.</summary>
    public Task CloseTargetAsync(CancellationToken cancellationToken = default) =>
        Connection.SendAsync("Target.closeTarget", new JsonObject { ["targetId"] = TargetId }, null, cancellationToken);
}
