using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentOS.Computer.Browser;

internal sealed partial class SessionBrowser
{
    /// <summary>One open tab as the tools show it.</summary>
    public sealed record TabInfo(string TabId, string Url, string Title, bool Current);

    /// <summary>The open tabs (pages the agent opened and pages its pages opened), the current one marked.</summary>
    public async Task<IReadOnlyList<TabInfo>> ListTabsAsync(CancellationToken cancellationToken)
    {
        var pages = await PagesAsync(cancellationToken).ConfigureAwait(false);
        var current = await CurrentAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<TabInfo>();
        foreach (var page in pages)
        {
            var id = page.GetProperty("targetId").GetString()!;
            list.Add(new TabInfo(ShortIdOf(id), page.GetProperty("url").GetString() ?? "", page.GetProperty("title").GetString() ?? "", id == current.Session.TargetId));
        }
        return list;
    }

    /// <summary>Opens a new tab at about:blank and makes it current.</summary>
    /// <exception cref="BrowserActionException">The session has <see cref="BrowserToolOptions.MaxTabs"/> open.</exception>
    public async Task<string> OpenTabAsync(CancellationToken cancellationToken)
    {
        var open = (await PagesAsync(cancellationToken).ConfigureAwait(false)).Count;
        if (open >= _options.MaxTabs)
        {
            throw new BrowserActionException("too_many_tabs", $"{open} tabs are open, the most a session may have: close one first (browser.tabs with action 'close').");
        }
        var created = await _chromium.Connection.SendAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" }, null, cancellationToken).ConfigureAwait(false);
        _current = await AttachAsync(created.GetProperty("targetId").GetString()!, cancellationToken).ConfigureAwait(false);
        return _current.ShortId;
    }

    /// <summary>Makes the tab <paramref name="tabId"/> current.</summary>
    public async Task SwitchTabAsync(string tabId, CancellationToken cancellationToken)
    {
        var target = await FindTabAsync(tabId, cancellationToken).ConfigureAwait(false);
        _current = await AttachAsync(target, cancellationToken).ConfigureAwait(false);
        await _chromium.Connection.SendAsync("Target.activateTarget", new JsonObject { ["targetId"] = target }, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the tab <paramref name="tabId"/>; when it was current, another becomes current (a new blank
    /// one when it was the last).</summary>
    public async Task CloseTabAsync(string tabId, CancellationToken cancellationToken)
    {
        var target = await FindTabAsync(tabId, cancellationToken).ConfigureAwait(false);
        // closeTarget answers before the target is gone from the list: wait until the browser says it is destroyed.
        var destroyed = _chromium.Connection.WaitForEventAsync("Target.targetDestroyed", match: e => e.Params.GetProperty("targetId").GetString() == target, cancellationToken: cancellationToken);
        await _chromium.Connection.SendAsync("Target.closeTarget", new JsonObject { ["targetId"] = target }, null, cancellationToken).ConfigureAwait(false);
        await destroyed.ConfigureAwait(false);
        lock (_tabs)
        {
            _tabs.Remove(target);
        }
        if (_current?.Session.TargetId == target)
        {
            _current = null;
        }
    }

    // The current tab; when it went away (the page closed itself, or the agent closed it) the first other page, or a
    // new blank one.
    private async Task<Tab> CurrentAsync(CancellationToken cancellationToken)
    {
        var pages = await PagesAsync(cancellationToken).ConfigureAwait(false);
        if (_current is { } current && pages.Any(p => p.GetProperty("targetId").GetString() == current.Session.TargetId))
        {
            return current;
        }
        if (pages.Count > 0)
        {
            _current = await AttachAsync(pages[0].GetProperty("targetId").GetString()!, cancellationToken).ConfigureAwait(false);
            return _current;
        }
        await OpenTabAsync(cancellationToken).ConfigureAwait(false);
        return _current!;
    }

    private async Task<string> FindTabAsync(string tabId, CancellationToken cancellationToken)
    {
        foreach (var page in await PagesAsync(cancellationToken).ConfigureAwait(false))
        {
            var target = page.GetProperty("targetId").GetString()!;
            if (ShortIdOf(target) == tabId)
            {
                return target;
            }
        }
        throw new BrowserActionException("no_such_tab", $"No open tab is '{tabId}': browser.tabs with action 'list' shows the open ones.");
    }

    private async Task<List<JsonElement>> PagesAsync(CancellationToken cancellationToken)
    {
        var targets = await _chromium.Connection.SendAsync("Target.getTargets", null, null, cancellationToken).ConfigureAwait(false);
        return [.. targets.GetProperty("targetInfos").EnumerateArray().Where(t => t.GetProperty("type").GetString() == "page")];
    }

    private async Task<Tab> AttachAsync(string targetId, CancellationToken cancellationToken)
    {
        lock (_tabs)
        {
            if (_tabs.TryGetValue(targetId, out var known))
            {
                return known;
            }
        }
        var session = await _chromium.Connection.AttachToTargetAsync(targetId, cancellationToken).ConfigureAwait(false);
        await session.SendAsync("Page.enable", null, cancellationToken).ConfigureAwait(false);
        await session.SendAsync("Network.enable", null, cancellationToken).ConfigureAwait(false);
        var tab = new Tab(ShortIdOf(targetId), session);
        lock (_tabs)
        {
            _tabs[targetId] = tab;
        }
        return tab;
    }

    // Short, stable tab ids ("t1", "t2", ...) in the order the tool first saw each target.
    private readonly Dictionary<string, string> _shortIds = [];

    private string ShortIdOf(string targetId)
    {
        lock (_shortIds)
        {
            if (!_shortIds.TryGetValue(targetId, out var id))
            {
                id = "t" + (++_nextTab).ToString(CultureInfo.InvariantCulture);
                _shortIds[targetId] = id;
            }
            return id;
        }
    }
}
