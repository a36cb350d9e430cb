using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AgentOS.Computer.Browser;

internal sealed partial class SessionBrowser
{
    /// <summary>Clicks the element <paramref name="reference"/> (from a snapshot) with real mouse events at its
    /// centre, after scrolling it into view; waits for a navigation it starts.</summary>
    public async Task<PageState> ClickAsync(string reference, CancellationToken cancellationToken)
    {
        var tab = await CurrentAsync(cancellationToken).ConfigureAwait(false);
        var center = await CallAsync(tab, PageScripts.Center, Json(Checked(reference)), cancellationToken).ConfigureAwait(false);
        if (center.ValueKind != JsonValueKind.Object)
        {
            throw NoSuchElement(reference);
        }
        var x = center.GetProperty("x").GetDouble();
        var y = center.GetProperty("y").GetDouble();
        var navigated = await SettleAsync(tab, async () =>
        {
            foreach (var type in (string[])["mouseMoved", "mousePressed", "mouseReleased"])
            {
                await tab.Session.SendAsync("Input.dispatchMouseEvent", new JsonObject
                {
                    ["type"] = type, ["x"] = x, ["y"] = y, ["button"] = type == "mouseMoved" ? "none" : "left", ["clickCount"] = type == "mouseMoved" ? 0 : 1,
                }, cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
        return await StateAsync(tab, navigated, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Types <paramref name="text"/> into the element <paramref name="reference"/> (replacing its value when
    /// <paramref name="clear"/>), as keyboard input; presses Enter afterwards when <paramref name="submit"/>.</summary>
    public async Task<PageState> TypeAsync(string reference, string text, bool clear, bool submit, CancellationToken cancellationToken)
    {
        var tab = await CurrentAsync(cancellationToken).ConfigureAwait(false);
        await FocusAsync(tab, reference, clear, cancellationToken).ConfigureAwait(false);
        await tab.Session.SendAsync("Input.insertText", new JsonObject { ["text"] = text }, cancellationToken).ConfigureAwait(false);
        if (!submit)
        {
            return await StateAsync(tab, false, cancellationToken).ConfigureAwait(false);
        }
        var navigated = await SettleAsync(tab, () => KeyAsync(tab, "Enter", cancellationToken), cancellationToken).ConfigureAwait(false);
        return await StateAsync(tab, navigated, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Presses <paramref name="key"/> (Enter, Tab, Escape, an arrow, a character...), on the element
    /// <paramref name="reference"/> when given, else wherever the focus is; waits for a navigation it starts.</summary>
    public async Task<PageState> PressAsync(string key, string? reference, CancellationToken cancellationToken)
    {
        if (BrowserKeys.Events(key) is null)
        {
            throw new BrowserActionException("unknown_key", $"'{key}' is not a key the tool knows: use one character or one of {string.Join(", ", BrowserKeys.Names)}.");
        }
        var tab = await CurrentAsync(cancellationToken).ConfigureAwait(false);
        if (reference is not null)
        {
            await FocusAsync(tab, reference, clear: false, cancellationToken).ConfigureAwait(false);
        }
        var navigated = await SettleAsync(tab, () => KeyAsync(tab, key, cancellationToken), cancellationToken).ConfigureAwait(false);
        return await StateAsync(tab, navigated, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Chooses the option whose value or label is <paramref name="value"/> in the select element
    /// <paramref name="reference"/>, firing input and change as a person's choice does.</summary>
    public async Task<(PageState State, string Value, string Label)> SelectAsync(string reference, string value, CancellationToken cancellationToken)
    {
        var tab = await CurrentAsync(cancellationToken).ConfigureAwait(false);
        var chosen = await CallAsync(tab, PageScripts.Select, Json(Checked(reference)) + "," + Json(value), cancellationToken).ConfigureAwait(false);
        if (chosen.TryGetProperty("error", out var error))
        {
            throw error.GetString() switch
            {
                "missing" => NoSuchElement(reference),
                "not_select" => new BrowserActionException("not_a_select", $"{reference} is a <{chosen.GetProperty("tag").GetString()}>, not a <select>: use browser.click or browser.type for it."),
                _ => new BrowserActionException("no_such_option", $"{reference} has no option '{value}'; its options are: {string.Join(", ", chosen.GetProperty("options").EnumerateArray().Select(o => o.GetString()))}."),
            };
        }
        var state = await StateAsync(tab, false, cancellationToken).ConfigureAwait(false);
        return (state, chosen.GetProperty("value").GetString()!, chosen.GetProperty("label").GetString()!);
    }

    /// <summary>Scrolls the element <paramref name="reference"/> into view, or the page by
    /// <paramref name="deltaX"/>, <paramref name="deltaY"/> CSS pixels; returns the scroll position and the page's size.</summary>
    public async Task<(PageState State, JsonElement Position)> ScrollAsync(string? reference, int deltaX, int deltaY, CancellationToken cancellationToken)
    {
        var tab = await CurrentAsync(cancellationToken).ConfigureAwait(false);
        if (reference is not null)
        {
            var center = await CallAsync(tab, PageScripts.Center, Json(Checked(reference)), cancellationToken).ConfigureAwait(false);
            if (center.ValueKind != JsonValueKind.Object)
            {
                throw NoSuchElement(reference);
            }
        }
        var position = await CallAsync(tab, "(dx, dy) => { window.scrollBy(dx, dy); return { x: Math.round(scrollX), y: Math.round(scrollY), width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight, viewport_height: innerHeight }; }",
            Json(reference is null ? deltaX : 0) + "," + Json(reference is null ? deltaY : 0), cancellationToken).ConfigureAwait(false);
        return (await StateAsync(tab, false, cancellationToken).ConfigureAwait(false), position);
    }

    private static async Task FocusAsync(Tab tab, string reference, bool clear, CancellationToken cancellationToken)
    {
        var focused = await CallAsync(tab, PageScripts.Focus, Json(Checked(reference)) + "," + (clear ? "true" : "false"), cancellationToken).ConfigureAwait(false);
        switch (focused.GetString())
        {
            case "missing":
                throw NoSuchElement(reference);
            case "unfocusable":
                throw new BrowserActionException("not_editable", $"{reference} cannot take keyboard input (it is not a field, or it is disabled).");
        }
    }

    private static async Task KeyAsync(Tab tab, string key, CancellationToken cancellationToken)
    {
        var (down, up) = BrowserKeys.Events(key)!.Value;
        await tab.Session.SendAsync("Input.dispatchKeyEvent", down, cancellationToken).ConfigureAwait(false);
        await tab.Session.SendAsync("Input.dispatchKeyEvent", up, cancellationToken).ConfigureAwait(false);
    }

    private static string Checked(string reference) =>
        ReferencePattern().IsMatch(reference) ? reference : throw NoSuchElement(reference);

    private static BrowserActionException NoSuchElement(string reference) =>
        new("no_such_element", $"No element '{reference}' on this page (references look like e12, come from browser.snapshot, and end when the page changes): take a new snapshot.");

    [GeneratedRegex("^e[0-9]{1,9}$", RegexOptions.CultureInvariant)]
    private static partial Regex ReferencePattern();
}
