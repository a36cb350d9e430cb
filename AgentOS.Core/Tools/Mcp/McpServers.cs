using System.Collections.Concurrent;
using AgentOS.Computer;

namespace AgentOS.Tools.Mcp;

/// <summary>
/// The kernel's external MCP servers, by name: added from the config at start or from code at any time; each one's
/// tools live in the kernel's <see cref="ToolRegistry"/> while it is added. Thread-safe.
/// </summary>
public sealed class McpServers : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, McpServerConnection> _servers = new(StringComparer.Ordinal);
    private readonly ToolRegistry _registry;
    private readonly TimeProvider _time;
    private readonly Func<McpServerConfig, ISessionHost>? _sandbox;

    /// <summary>Servers whose tools go into <paramref name="registry"/>.</summary>
    public McpServers(ToolRegistry registry, TimeProvider? time = null, Func<McpServerConfig, ISessionHost>? sandbox = null)
    {
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _time = time ?? TimeProvider.System;
        _sandbox = sandbox;
    }

    /// <summary>Every server, by name.</summary>
    public IReadOnlyList<McpServerConnection> All => [.. _servers.Values.OrderBy(s => s.Name, StringComparer.Ordinal)];

    /// <summary>The server, or <see langword="null"/>.</summary>
    public McpServerConnection? Find(string name) => _servers.GetValueOrDefault(name);

    private IMcpCallGuard? _guard;

    /// <summary>The circuit breaker every server's calls pass (the Reactor), or <see langword="null"/>; servers added
    /// later get it too.</summary>
    internal IMcpCallGuard? Guard
    {
        get => _guard;
        set
        {
            _guard = value;
            foreach (var server in _servers.Values)
            {
                server.Guard = value;
            }
        }
    }

    /// <summary>Adds a server and starts it in the background; <see cref="McpServerConnection.WaitUntilReadyAsync"/>
    /// waits for its tools.</summary>
    /// <exception cref="ArgumentException">The config is invalid or the name is taken.</exception>
    public McpServerConnection Add(McpServerConfig config)
    {
        var server = new McpServerConnection(config, _registry, _time, _sandbox) { Guard = _guard };
        if (!_servers.TryAdd(config.Name, server))
        {
            throw new ArgumentException($"An MCP server named '{config.Name}' is already added.", nameof(config));
        }
        server.Start();
        return server;
    }

    /// <summary>Stops a server and removes its tools.</summary>
    /// <returns>Whether a server had that name.</returns>
    public async Task<bool> RemoveAsync(string name)
    {
        if (!_servers.TryRemove(name, out var server))
        {
            return false;
        }
        await server.DisposeAsync().ConfigureAwait(false);
        return true;
    }

    /// <summary>Waits until every server has started once, or <paramref name="timeout"/> has passed.</summary>
    /// <returns>The servers that did not start in time, each with why.</returns>
    public async Task<IReadOnlyList<string>> WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var failures = new ConcurrentBag<string>();
        await Task.WhenAll(All.Select(async server =>
        {
            try
            {
                await server.WaitUntilReadyAsync(timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException ex)
            {
                failures.Add(ex.Message);
            }
        })).ConfigureAwait(false);
        return [.. failures.Order(StringComparer.Ordinal)];
    }

    /// <summary>Stops every server.</summary>
    public async ValueTask DisposeAsync()
    {
        var all = All;
        _servers.Clear();
        await Task.WhenAll(all.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);
    }
}
