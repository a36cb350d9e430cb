using System.Text.Json.Nodes;
using AgentOS.Computer.Browser.Cdp;

namespace AgentOS.Computer.Browser;

internal sealed partial class SessionBrowser
{
    /// <summary>Where the current tab is after an action.</summary>
    public sealed record PageState(string TabId, string Url, string Title, int Status, bool Navigated);

    /// <summary>Opens <paramref name="url"/> in the current tab and waits for it to load.</summary>
    /// <exception cref="BrowserActionException">A refused URL, a refusal by the session's proxy, a failed load.</exception>
    public async Task<PageState> NavigateAsync(string url, CancellationToken cancellationToken)
    {
        if (UrlPolicy.Refusal(url) is { } refusal)
        {
            throw new BrowserActionException("url_refused", refusal);
        }
        var tab = await CurrentAsync(cancellationToken).ConfigureAwait(false);
        tab.LastResponse = null;
        using var stop = new CancellationTokenSource();
        var loaded = tab.Session.WaitForEventAsync("Page.loadEventFired", timeout: _options.NavigationTimeout, cancellationToken: stop.Token);
        try
        {
            var result = await tab.Session.SendAsync("Page.navigate", new JsonObject { ["url"] = url }, cancellationToken).ConfigureAwait(false);
            if (result.TryGetProperty("errorText", out var error) && error.GetString() is { Length: > 0 } errorText)
            {
                throw errorText.Contains("TUNNEL_CONNECTION_FAILED", StringComparison.Ordinal)
                    ? new BrowserActionException("refused_by_proxy", $"The session's proxy refused {url} ({errorText}): the host and port are not in the agent's network grant.")
                    : new BrowserActionException("navigation_failed", $"{url} did not load: {errorText}.");
            }
            // A new document loads; a move within the page (#fragment) does not.
            if (result.TryGetProperty("loaderId", out _))
            {
                await WaitLoadedAsync(loaded, url).ConfigureAwait(false);
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            Observe(loaded);
        }
        return await StateAsync(tab, navigated: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Goes one step back (<paramref name="steps"/> -1) or forward (+1) in the current tab's history.</summary>
    public async Task<PageState> HistoryAsync(int steps, CancellationToken cancellationToken)
    {
        var tab = await CurrentAsync(cancellationToken).ConfigureAwait(false);
        var history = await tab.Session.SendAsync("Page.getNavigationHistory", null, cancellationToken).ConfigureAwait(false);
        var index = history.GetProperty("currentIndex").GetInt32() + steps;
        var entries = history.GetProperty("entries");
        if (index < 0 || index >= entries.GetArrayLength())
        {
            throw new BrowserActionException("no_history", steps < 0 ? "There is no page to go back to in this tab." : "There is no page to go forward to in this tab.");
        }
        var entry = entries[index].GetProperty("id").GetInt32();
        var navigated = await SettleAsync(tab, () => tab.Session.SendAsync("Page.navigateToHistoryEntry", new JsonObject { ["entryId"] = entry }, cancellationToken), cancellationToken).ConfigureAwait(false);
        return await StateAsync(tab, navigated, cancellationToken).ConfigureAwait(false);
    }

    // Does an action that may navigate (a click on a link or a submit button, Enter in a form, a history step), then
    // waits SettleTime for a navigation of the tab's main frame to start; when one did, waits for it to load.
    private async Task<bool> SettleAsync(Tab tab, Func<Task> act, CancellationToken cancellationToken)
    {
        var started = 0;
        tab.LastResponse = null;
        using var watch = tab.Session.Subscribe("Page.frameStartedLoading", e =>
        {
            if (e.Params.TryGetProperty("frameId", out var frame) && frame.GetString() == tab.Session.TargetId)
            {
                Volatile.Write(ref started, 1);
            }
        });
        using var stop = new CancellationTokenSource();
        var loaded = tab.Session.WaitForEventAsync("Page.loadEventFired", timeout: _options.NavigationTimeout, cancellationToken: stop.Token);
        try
        {
            await act().ConfigureAwait(false);
            await Task.Delay(_options.SettleTime, _time, cancellationToken).ConfigureAwait(false);
            if (Volatile.Read(ref started) == 0)
            {
                return false;
            }
            await WaitLoadedAsync(loaded, "the page").ConfigureAwait(false);
            return true;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            Observe(loaded);
        }
    }

    private async Task WaitLoadedAsync(Task<CdpEvent> loaded, string what)
    {
        try
        {
            await loaded.ConfigureAwait(false);
        }
        catch (CdpTimeoutException)
        {
            throw new BrowserActionException("timeout", $"{what} did not finish loading within {_options.NavigationTimeout.TotalSeconds:0} s; it may still be loading: browser.text shows what is there.");
        }
    }

    // The tab's address, title and status after an action. A page that ended up somewhere the tool never opens (a
    // redirect or a script sending it to file:// or chrome://) is sent to about:blank and the action refused.
    private static async Task<PageState> StateAsync(Tab tab, bool navigated, CancellationToken cancellationToken)
    {
        var state = await CallAsync(tab, PageScripts.Status, "", cancellationToken).ConfigureAwait(false);
        var url = state.GetProperty("url").GetString() ?? "";
        if (!UrlPolicy.Allowed(url))
        {
            await tab.Session.SendAsync("Page.navigate", new JsonObject { ["url"] = "about:blank" }, cancellationToken).ConfigureAwait(false);
            throw new BrowserActionException("url_refused", $"The page went to {url}, which the browser tool never shows; the tab was reset to about:blank.");
        }
        var status = state.GetProperty("status").GetInt32();
        if (tab.LastResponse is { } response)
        {
            status = response.Status;
            if (response.RefusedByProxy)
            {
                var text = await CallAsync(tab, PageScripts.Text, "2000", cancellationToken).ConfigureAwait(false);
                throw new BrowserActionException("refused_by_proxy", text.GetProperty("text").GetString() is { Length: > 0 } why
                    ? why : $"The session's proxy refused {response.Url}.");
            }
        }
        return new PageState(tab.ShortId, url, state.GetProperty("title").GetString() ?? "", status, navigated);
    }

    // A wait that was abandoned (the navigation failed first, or none started) must not surface later as an
    // unobserved exception.
    private static void Observe(Task task) => _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
