using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentOS.Computer.Browser;

internal sealed partial class SessionBrowser
{
    /// <summary>The current page's readable text (what a person sees, without markup), cut at
    /// <see cref="BrowserToolOptions.MaxTextChars"/>.</summary>
    /// <param name="waitFor">Text to wait for first (content a script adds after the load), or null.</param>
    /// <param name="waitMilliseconds">How long to wait for it.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="BrowserActionException">The awaited text did not appear.</exception>
    public async Task<(PageState State, JsonElement Text)> TextAsync(string? waitFor, int waitMilliseconds, CancellationToken cancellationToken)
    {
        var tab = await CurrentAsync(cancellationToken).ConfigureAwait(false);
        if (waitFor is not null)
        {
            var appeared = await CallAsync(tab, PageScripts.WaitText, Json(waitFor) + "," + Json(waitMilliseconds), cancellationToken).ConfigureAwait(false);
            if (appeared.ValueKind != JsonValueKind.True)
            {
                throw new BrowserActionException("text_not_found", $"'{waitFor}' did not appear on the page within {waitMilliseconds} ms.");
            }
        }
        var state = await StateAsync(tab, false, cancellationToken).ConfigureAwait(false);
        return (state, await CallAsync(tab, PageScripts.Text, Json(_options.MaxTextChars), cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The current page's interactive elements with their references (see <see cref="PageScripts"/>).</summary>
    public async Task<(PageState State, JsonElement Snapshot)> SnapshotAsync(CancellationToken cancellationToken)
    {
        var tab = await CurrentAsync(cancellationToken).ConfigureAwait(false);
        var state = await StateAsync(tab, false, cancellationToken).ConfigureAwait(false);
        return (state, await CallAsync(tab, PageScripts.Snapshot, Json(_options.MaxSnapshotElements), cancellationToken).ConfigureAwait(false));
    }

    /// <summary>A PNG of the current tab's viewport, or of the whole page when <paramref name="fullPage"/>; base64.</summary>
    public async Task<(PageState State, string Png)> ScreenshotAsync(bool fullPage, CancellationToken cancellationToken)
    {
        var tab = await CurrentAsync(cancellationToken).ConfigureAwait(false);
        var state = await StateAsync(tab, false, cancellationToken).ConfigureAwait(false);
        var parameters = new JsonObject { ["format"] = "png" };
        if (fullPage)
        {
            var metrics = await tab.Session.SendAsync("Page.getLayoutMetrics", null, cancellationToken).ConfigureAwait(false);
            var size = metrics.GetProperty("cssContentSize");
            parameters["captureBeyondViewport"] = true;
            parameters["clip"] = new JsonObject
            {
                ["x"] = 0, ["y"] = 0, ["scale"] = 1,
                ["width"] = Math.Ceiling(size.GetProperty("width").GetDouble()),
                // A page may be endless; a screenshot is not.
                ["height"] = Math.Min(Math.Ceiling(size.GetProperty("height").GetDouble()), 16_384),
            };
        }
        var shot = await tab.Session.SendAsync("Page.captureScreenshot", parameters, cancellationToken).ConfigureAwait(false);
        return (state, shot.GetProperty("data").GetString()!);
    }

    /// <summary>The snapshot as lines a model reads: <c>[e3] button "Send"</c>.</summary>
    public static string Describe(JsonElement snapshot)
    {
        var lines = new List<string>();
        foreach (var element in snapshot.GetProperty("elements").EnumerateArray())
        {
            var line = $"[{element.GetProperty("ref").GetString()}] {element.GetProperty("tag").GetString()}";
            foreach (var key in (string[])["type", "role", "name"])
            {
                if (element.TryGetProperty(key, out var v))
                {
                    line += $" {key}={v.GetString()}";
                }
            }
            line += $" \"{element.GetProperty("label").GetString()}\"";
            if (element.TryGetProperty("value", out var value))
            {
                line += $" value=\"{value.GetString()}\"";
            }
            if (element.TryGetProperty("options", out var options))
            {
                line += " options=[" + string.Join(", ", options.EnumerateArray().Select(o => o.GetString())) + "]";
            }
            if (element.TryGetProperty("href", out var href))
            {
                line += " -> " + href.GetString();
            }
            if (element.TryGetProperty("checked", out _))
            {
                line += " (checked)";
            }
            if (element.TryGetProperty("disabled", out _))
            {
                line += " (disabled)";
            }
            lines.Add(line);
        }
        if (snapshot.GetProperty("truncated").GetBoolean())
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"(more elements not listed: scroll or narrow the page)"));
        }
        return lines.Count == 0 ? "(no interactive elements)" : string.Join('\n', lines);
    }
}
