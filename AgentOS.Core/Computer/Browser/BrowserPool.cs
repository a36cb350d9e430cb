using System.Collections.Concurrent;
using System.Runtime.Versioning;
using AgentOS.Computer.Browser.Cdp;

namespace AgentOS.Computer.Browser;

/// <summary>
/// The sessions' browsers: started on a session's first browser call, kept while it lives, closed with it (or
/// restarted by the next call when it died). Dispose it when the kernel stops.
/// </summary>
public sealed class BrowserPool : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<SessionBrowserHandle>>> _browsers = new();
    private readonly BrowserToolOptions _options;
    private readonly TimeProvider _time;
    private int _disposed;

    internal BrowserPool(BrowserToolOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
    }

    /// <summary>How many sessions have a browser running.</summary>
    public int Count => _browsers.Count;

    /// <summary>The host pid of a session's browser (its sandbox launcher), or null when it has none.</summary>
    public int? ProcessIdOf(string sessionId) =>
        _browsers.TryGetValue(sessionId, out var entry) && entry.IsValueCreated && entry.Value.IsCompletedSuccessfully ? entry.Value.Result.ProcessId : null;

    /// <summary>A PNG of the current page of a session's browser, or null when the session has no live browser: an
    /// operator's look never starts one (that would spend the session's memory and network on a watcher).</summary>
    [SupportedOSPlatform("linux")]
    internal async Task<byte[]?> ScreenshotIfRunningAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (!_browsers.TryGetValue(sessionId, out var entry) || !entry.IsValueCreated || !entry.Value.IsCompletedSuccessfully
            || entry.Value.Result.Browser is not SessionBrowser { Alive: true } browser)
        {
            return null;
        }
        try
        {
            var (_, png) = await browser.RunAsync(() => browser.ScreenshotAsync(false, cancellationToken), cancellationToken).ConfigureAwait(false);
            return Convert.FromBase64String(png);
        }
        catch (Exception e) when (e is CdpException or IOException or ObjectDisposedException)
        {
            return null; // it closed while we asked: no browser, as far as a watcher is concerned
        }
    }

    /// <summary>Closes a session's browser (the session was destroyed).</summary>
    public async Task CloseSessionAsync(string sessionId)
    {
        if (_browsers.TryRemove(sessionId, out var entry))
        {
            await CloseAsync(entry).ConfigureAwait(false);
        }
    }

    /// <summary>Closes every browser.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        foreach (var id in _browsers.Keys)
        {
            await CloseSessionAsync(id).ConfigureAwait(false);
        }
    }

    [SupportedOSPlatform("linux")]
    internal async Task<T> UseAsync<T>(ISessionHost host, Func<SessionBrowser, Task<T>> action, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var entry = _browsers.GetOrAdd(host.Id, _ => new Lazy<Task<SessionBrowserHandle>>(() => StartAsync(host)));
        SessionBrowser browser;
        try
        {
            browser = (SessionBrowser)(await entry.Value.ConfigureAwait(false)).Browser;
        }
        catch
        {
            // A failed start is not kept: the next call tries again.
            _browsers.TryRemove(new KeyValuePair<string, Lazy<Task<SessionBrowserHandle>>>(host.Id, entry));
            throw;
        }
        if (!browser.Alive)
        {
            // It died (killed with the session's processes, crashed): this call starts a new one.
            if (_browsers.TryRemove(new KeyValuePair<string, Lazy<Task<SessionBrowserHandle>>>(host.Id, entry)))
            {
                await CloseAsync(entry).ConfigureAwait(false);
            }
            return await UseAsync(host, action, cancellationToken).ConfigureAwait(false);
        }
        return await browser.RunAsync(() => action(browser), cancellationToken).ConfigureAwait(false);
    }

    [SupportedOSPlatform("linux")]
    private async Task<SessionBrowserHandle> StartAsync(ISessionHost host)
    {
        // Not the first caller's token: the browser outlives the call that happened to start it.
        var browser = await SessionBrowser.StartAsync(host, _options, _time, CancellationToken.None).ConfigureAwait(false);
        return new SessionBrowserHandle(browser, browser.ProcessId);
    }

    private static async Task CloseAsync(Lazy<Task<SessionBrowserHandle>> entry)
    {
        if (!entry.IsValueCreated)
        {
            return;
        }
        try
        {
            var handle = await entry.Value.ConfigureAwait(false);
            await handle.Browser.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is CdpException or IOException or ArgumentException)
        {
            // It never started, and the call that started it got this error: nothing to close.
        }
    }

    // Keeps the platform-specific browser behind a platform-neutral field.
    private sealed record SessionBrowserHandle(IAsyncDisposable Browser, int ProcessId);
}
