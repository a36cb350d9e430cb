using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOS.Computer.Browser.Cdp;
using AgentOS.Serialization;

namespace AgentOS.Computer.Browser;

/// <summary>
/// One session's browser: a headless Chromium started inside the session's sandbox (its network only through the
/// session's proxy), its tabs, and the actions the <c>browser.*</c> tools perform on the current tab. One action at a
/// time: the tools of one session are serialized here, sessions run in parallel.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed partial class SessionBrowser : IAsyncDisposable
{
    // Inside a sandbox the profile lives in the sandbox's own /tmp, never in the size-capped workspace.
    private const string SandboxProfile = "/tmp/agentos-browser";

    private readonly ChromiumProcess _chromium;
    private readonly BrowserToolOptions _options;
    private readonly TimeProvider _time;
    private readonly string? _hostProfile;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, Tab> _tabs = [];
    private readonly IDisposable _responses;
    private Tab? _current;
    private int _nextTab;

    private SessionBrowser(ChromiumProcess chromium, BrowserToolOptions options, TimeProvider time, string? hostProfile)
    {
        _chromium = chromium;
        _options = options;
        _time = time;
        _hostProfile = hostProfile;
        // The main document's response of each tab, for its status and for the proxy's refusal mark.
        _responses = chromium.Connection.Subscribe("Network.responseReceived", OnResponse);
    }

    /// <summary>Whether the browser is still running.</summary>
    public bool Alive => _chromium.Connection.IsConnected;

    /// <summary>The host pid of the browser's process (its sandbox launcher).</summary>
    public int ProcessId => _chromium.ProcessId;

    /// <summary>Starts the browser for <paramref name="host"/>, inside its sandbox when it is isolated.</summary>
    public static async Task<SessionBrowser> StartAsync(ISessionHost host, BrowserToolOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        string? hostProfile = host.Isolated ? null : Directory.CreateTempSubdirectory("agentos-browser-").FullName;
        var launch = new ChromiumLaunchOptions
        {
            ExecutablePath = options.Executable,
            UserDataDirectory = hostProfile ?? SandboxProfile,
            ProxyServer = host.ProxyUrl,
            WindowWidth = options.ViewportWidth,
            WindowHeight = options.ViewportHeight,
            StartupTimeout = options.StartupTimeout,
            CommandTimeout = options.NavigationTimeout,
            // History navigation must load the page again (and say so) rather than restore it from the cache.
            ExtraArguments = ["--disable-features=BackForwardCache"],
        };
        ChromiumProcess chromium;
        try
        {
            chromium = await ChromiumProcess.LaunchAsync(launch, argv => host.CreateStartInfoWithLimits(argv, options.Limits), time, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            if (hostProfile is not null)
            {
                Directory.Delete(hostProfile, recursive: true);
            }
            throw;
        }
        var browser = new SessionBrowser(chromium, options, time, hostProfile);
        try
        {
            await chromium.Connection.SendAsync("Browser.setDownloadBehavior", new JsonObject { ["behavior"] = "deny" }, null, cancellationToken).ConfigureAwait(false);
            // Target.targetDestroyed tells a closed tab is gone.
            await chromium.Connection.SendAsync("Target.setDiscoverTargets", new JsonObject { ["discover"] = true }, null, cancellationToken).ConfigureAwait(false);
            var targets = await chromium.Connection.SendAsync("Target.getTargets", null, null, cancellationToken).ConfigureAwait(false);
            var first = targets.GetProperty("targetInfos").EnumerateArray().FirstOrDefault(t => t.GetProperty("type").GetString() == "page");
            if (first.ValueKind == JsonValueKind.Object)
            {
                browser._current = await browser.AttachAsync(first.GetProperty("targetId").GetString()!, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await browser.OpenTabAsync(cancellationToken).ConfigureAwait(false);
            }
            return browser;
        }
        catch
        {
            await browser.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs <paramref name="action"/> alone on this browser.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> action, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await action().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _responses.Dispose();
        await _chromium.DisposeAsync().ConfigureAwait(false);
        if (_hostProfile is not null)
        {
            try
            {
                Directory.Delete(_hostProfile, recursive: true);
            }
            catch (IOException e)
            {
                Trace.TraceWarning($"Could not delete the browser profile {_hostProfile}: {e.Message}");
            }
        }
    }

    private void OnResponse(CdpEvent e)
    {
        if (!e.Params.TryGetProperty("type", out var type) || type.GetString() != "Document")
        {
            return;
        }
        lock (_tabs)
        {
            foreach (var tab in _tabs.Values)
            {
                if (tab.Session.Id == e.SessionId && e.Params.TryGetProperty("frameId", out var frame) && frame.GetString() == tab.Session.TargetId)
                {
                    var response = e.Params.GetProperty("response");
                    var refused = response.TryGetProperty("headers", out var headers) && headers.EnumerateObject()
                        .Any(h => h.Name.Equals("x-agentos-proxy", StringComparison.OrdinalIgnoreCase) && h.Value.ValueKind == JsonValueKind.String && h.Value.GetString() == "refused");
                    tab.LastResponse = new DocumentResponse(response.GetProperty("url").GetString() ?? "", response.GetProperty("status").GetInt32(), refused);
                }
            }
        }
    }

    // Runs a function of PageScripts on the tab with JSON arguments and returns its value.
    private static async Task<JsonElement> CallAsync(Tab tab, string function, string arguments, CancellationToken cancellationToken)
    {
        var result = await tab.Session.SendAsync("Runtime.evaluate", new JsonObject
        {
            ["expression"] = $"({function})({arguments})",
            ["returnByValue"] = true,
            ["awaitPromise"] = true,
        }, cancellationToken).ConfigureAwait(false);
        if (result.TryGetProperty("exceptionDetails", out var details))
        {
            var why = details.TryGetProperty("exception", out var exception) && exception.TryGetProperty("description", out var description)
                ? description.GetString() : details.GetProperty("text").GetString();
            throw new BrowserActionException("script_error", $"The page's script failed: {why}");
        }
        return result.GetProperty("result").TryGetProperty("value", out var value) ? value : default;
    }

    private static string Json(string value) => JsonSerializer.Serialize(value, AgentOSJsonContext.Default.String);

    private static string Json(int value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed class Tab(string shortId, CdpSession session)
    {
        public string ShortId => shortId;

        public CdpSession Session => session;

        // Written by the connection's reader, read by the action: a reference, so it is never seen half-written.
        public DocumentResponse? LastResponse
        {
            get => Volatile.Read(ref field);
            set => Volatile.Write(ref field, value);
        }
    }

    private sealed record DocumentResponse(string Url, int Status, bool RefusedByProxy);
}
