using System.Diagnostics;
using AgentOS.Computer;
using AgentOS.Mcp.JsonRpc;
using AgentOS.Mcp.Protocol;
using AgentOS.Syscalls.Errors;

namespace AgentOS.Tools.Mcp;

/// <summary>
/// One external MCP server kept alive as a kernel tool provider: it starts the server, registers its tools as
/// <c>name.tool</c> (one concurrency group per server), follows <c>notifications/tools/list_changed</c>, and when the
/// server dies restarts it with exponential backoff on the kernel's clock. While it is down its tools stay registered
/// and their calls fail with a typed <see cref="BackendFailedException"/> whose retry time says when the next start is.
/// </summary>
public sealed partial class McpServerConnection : IAsyncDisposable
{
    private readonly ToolRegistry _registry;
    private readonly TimeProvider _time;
    private readonly Func<McpServerConfig, ISessionHost>? _sandbox;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string?> _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile McpClient? _client;
    private volatile string _lastError = "it has not started yet";
    private long _nextStartAt;
    private int _starts;
    private Task _running = Task.CompletedTask;

    /// <summary>A connection for <paramref name="config"/> whose tools go into <paramref name="registry"/>; call
    /// <see cref="Start"/> to begin.</summary>
    /// <param name="config">The server.</param>
    /// <param name="registry">Where its tools are registered.</param>
    /// <param name="time">The clock of restarts and call timeouts.</param>
    /// <param name="sandbox">For <see cref="McpServerConfig.Sandbox"/>: the session a sandboxed server runs in.</param>
    /// <exception cref="ArgumentException">The config is invalid, or asks for a sandbox that <paramref name="sandbox"/> cannot give.</exception>
    public McpServerConnection(McpServerConfig config, ToolRegistry registry, TimeProvider? time = null, Func<McpServerConfig, ISessionHost>? sandbox = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(registry);
        config.Validate();
        if (config.Sandbox && sandbox is null)
        {
            throw new ArgumentException($"MCP server '{config.Name}' asks for sandbox: true, but this kernel has no sandbox sessions to run it in: run it unsandboxed (sandbox: false) or on a kernel with computer-use sessions.", nameof(config));
        }
        Config = config;
        _registry = registry;
        _time = time ?? TimeProvider.System;
        _sandbox = sandbox;
    }

    /// <summary>The server's settings.</summary>
    public McpServerConfig Config { get; }

    /// <summary>The server's name (its tools are <c>Name.tool</c>).</summary>
    public string Name => Config.Name;

    /// <summary>The concurrency group its tools share on the tool queue.</summary>
    public string Group => Name + ".*";

    /// <summary>Where it is in its life.</summary>
    public McpServerState State { get; private set; } = McpServerState.Starting;

    /// <summary>How many times it has been started successfully (1 after the first start; each restart adds one).</summary>
    public int Starts => Volatile.Read(ref _starts);

    /// <summary>Why it is not running, when it is not.</summary>
    public string LastError => _lastError;

    /// <summary>The live client, or <see langword="null"/> while the server is down.</summary>
    public McpClient? Client => _client;

    /// <summary>Starts the server in the background (and restarts it whenever it dies, until disposed).</summary>
    public void Start() => _running = RunAsync();

    /// <summary>Waits until the server has started once and its tools are registered.</summary>
    /// <exception cref="TimeoutException">It did not start within <paramref name="timeout"/>; the message says why.</exception>
    public async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        try
        {
            await _firstReady.Task.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"MCP server '{Name}' did not start within {timeout.TotalSeconds:0.#} s: {_lastError}");
        }
    }

    /// <summary>Waits for the outcome of the first start: <see langword="null"/> when it started, else why it did not
    /// (it keeps restarting meanwhile). For whoever adds a server and wants to refuse one that cannot start.</summary>
    /// <exception cref="TimeoutException">The first start took longer than <paramref name="timeout"/>.</exception>
    public async Task<string?> FirstStartAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _firstAttempt.Task.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"MCP server '{Name}' did not start within {timeout.TotalSeconds:0.#} s.");
        }
    }

    /// <summary>The live client, or a typed failure saying the server is down and when it restarts.</summary>
    /// <exception cref="BackendFailedException">The server is not running.</exception>
    public McpClient RequireClient() => _client ?? throw Unavailable();

    private BackendFailedException Unavailable()
    {
        var wait = TimeSpan.FromTicks(Math.Max(0, Interlocked.Read(ref _nextStartAt) - _time.GetUtcNow().UtcTicks));
        string when = State == McpServerState.Stopped ? "it has been stopped" : $"it restarts in about {Math.Ceiling(wait.TotalSeconds)} s";
        return new BackendFailedException($"MCP server '{Name}' is not running ({_lastError}); {when}. Retry the call later.") { RetryAfter = wait };
    }

    private async Task RunAsync()
    {
        int failures = 0;
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            McpClient? client = null;
            try
            {
                client = await McpClient.ConnectAsync(CreateTransport(), ClientOptions(), token).ConfigureAwait(false);
                _client = client;
                await SyncToolsAsync(client, token).ConfigureAwait(false);
                Interlocked.Increment(ref _starts);
                State = McpServerState.Ready;
                failures = 0;
                _firstReady.TrySetResult();
                _firstAttempt.TrySetResult(null);
                _lastError = await client.Completion.WaitAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _lastError = $"{ex.GetType().Name}: {ex.Message}";
                _firstAttempt.TrySetResult(_lastError);
            }
            _client = null;
            if (client is not null)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }
            var delay = TimeSpan.FromMilliseconds(Math.Min((double)Config.MaxRestartDelayMs, Config.RestartDelayMs * Math.Pow(2, Math.Min(failures, 30))));
            failures++;
            Interlocked.Exchange(ref _nextStartAt, (_time.GetUtcNow() + delay).UtcTicks);
            State = McpServerState.Restarting;
            try
            {
                await Task.Delay(delay, _time, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        State = McpServerState.Stopped;
        _firstAttempt.TrySetResult("it was stopped before it started");
    }

    private IMcpTransport CreateTransport()
    {
        if (Config.Url is { } url)
        {
            return new HttpMcpTransport(new Uri(url), Config.Headers, time: _time);
        }
        List<string> argv = [Config.Command!, .. Config.Args ?? []];
        ProcessStartInfo start;
        if (Config.Sandbox)
        {
            start = _sandbox!(Config).CreateStartInfo(argv, Config.WorkingDirectory, Config.Env);
        }
        else
        {
            start = new ProcessStartInfo(argv[0]);
            foreach (var arg in argv.Skip(1))
            {
                start.ArgumentList.Add(arg);
            }
            if (Config.WorkingDirectory is { } folder)
            {
                start.WorkingDirectory = folder;
            }
            foreach (var (name, value) in Config.Env ?? new Dictionary<string, string>())
            {
                start.Environment[name] = value;
            }
        }
        return new StdioMcpTransport(start, _time);
    }

    private McpClientOptions ClientOptions() => new()
    {
        TimeProvider = _time,
        RequestTimeout = TimeSpan.FromSeconds(Config.TimeoutSeconds),
        Notification = OnNotificationAsync,
    };

    private ValueTask OnNotificationAsync(JsonRpcNotification notification)
    {
        if (notification.Method == McpMethods.ToolListChangedNotification && _client is { } client)
        {
            // Re-listed off the reading loop: the listing's answer arrives through that same loop.
            _ = ResyncAsync(client);
        }
        return ValueTask.CompletedTask;
    }

    private async Task ResyncAsync(McpClient client)
    {
        try
        {
            await SyncToolsAsync(client, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _lastError = $"re-listing tools after list_changed failed: {ex.Message}";
        }
    }

    /// <summary>Stops the server and removes its tools.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        await _running.ConfigureAwait(false);
        UnregisterAll();
        State = McpServerState.Stopped;
        _stop.Dispose();
    }
}
