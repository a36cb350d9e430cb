using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Hosting.Dashboard;

/// <summary>
/// One Chromium page driven over the DevTools protocol, as a person would use the dashboard: load it, type, click
/// with the mouse, press Tab, resize to a phone, switch to dark mode, and read the DOM back. Every wait is a
/// condition evaluated in the page (no sleeps standing in for one), bounded so a broken page fails instead of hanging.
/// </summary>
internal sealed class DashboardBrowser(Func<string, JsonObject?, Task<JsonElement>> send)
{
    /// <summary>Where the screenshots go: <c>AGENTOS_TEST_ARTIFACTS</c>, or <c>artifacts/test-artifacts</c> in the repository.</summary>
    public static string ArtifactsDirectory
    {
        get
        {
            string root = Environment.GetEnvironmentVariable("AGENTOS_TEST_ARTIFACTS") is { Length: > 0 } set
                ? set
                : Path.Combine(RepoPaths.Root, "artifacts", "test-artifacts");
            return Directory.CreateDirectory(Path.Combine(root, "dashboard")).FullName;
        }
    }

    public Task<JsonElement> SendAsync(string method, JsonObject? parameters = null) => send(method, parameters);

    public async Task NavigateAsync(Uri url)
    {
        await SendAsync("Page.navigate", new JsonObject { ["url"] = url.ToString() });
        await WaitForAsync($"location.href.startsWith({JsonSerializer.Serialize(url.ToString())}) && document.readyState === 'complete'", $"{url} to load");
    }

    /// <summary>Evaluates an expression in the page (awaiting a promise) and returns its JSON value.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (result.TryGetProperty("exceptionDetails", out var exception))
        {
            throw new InvalidOperationException($"The page threw evaluating {expression}: {exception}");
        }
        var remote = result.GetProperty("result");
        return remote.TryGetProperty("value", out var value) ? value.Clone() : default;
    }

    public async Task<string> TextAsync(string expression) => (await EvaluateAsync(expression)).ToString();

    public async Task<bool> TrueAsync(string condition) => (await EvaluateAsync($"!!({condition})")).GetBoolean();

    /// <summary>Waits until <paramref name="condition"/> holds in the page.</summary>
    public async Task WaitForAsync(string condition, string what, int seconds = 30)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            try
            {
                if (await TrueAsync(condition))
                {
                    return;
                }
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < until)
            {
                // A navigation replaced the context mid-evaluation: ask again.
            }
            if (DateTime.UtcNow >= until)
            {
                Assert.Fail($"Waited {seconds} s for {what} ({condition}); the page shows: {await TextAsync("document.body ? document.body.innerText.slice(0, 600) : '(no body)'")}");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Logs in through the login page, as a person would: types the token and clicks Log in.</summary>
    public async Task LogInAsync(Uri url, string token)
    {
        await NavigateAsync(url);
        await WaitForAsync("document.getElementById('token')", "the login page");
        await EvaluateAsync("document.getElementById('token').focus()");
        await SendAsync("Input.insertText", new JsonObject { ["text"] = token });
        await ClickAsync("#login-button");
        await WaitForAsync("document.body.dataset.ready === 'true' && Number(document.body.dataset.refreshed) > 0", "the dashboard to load its data");
    }

    /// <summary>Clicks the element's centre with the mouse (after scrolling it into view).</summary>
    public async Task ClickAsync(string selector)
    {
        string s = JsonSerializer.Serialize(selector);
        await WaitForAsync($"document.querySelector({s}) && !document.querySelector({s}).disabled", $"{selector} to be clickable");
        var box = await EvaluateAsync($"(() => {{ const e = document.querySelector({s}); e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; }})()");
        double x = box[0].GetDouble(), y = box[1].GetDouble();
        foreach (var type in new[] { "mouseMoved", "mousePressed", "mouseReleased" })
        {
            await SendAsync("Input.dispatchMouseEvent", new JsonObject { ["type"] = type, ["x"] = x, ["y"] = y, ["button"] = "left", ["clickCount"] = 1 });
        }
    }

    public async Task PressTabAsync()
    {
        foreach (var type in new[] { "keyDown", "keyUp" })
        {
            await SendAsync("Input.dispatchKeyEvent", new JsonObject { ["type"] = type, ["key"] = "Tab", ["code"] = "Tab", ["windowsVirtualKeyCode"] = 9, ["nativeVirtualKeyCode"] = 9 });
        }
    }

    public Task SetViewportAsync(int width, int height, bool mobile) =>
        SendAsync("Emulation.setDeviceMetricsOverride", new JsonObject { ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = mobile });

    public Task SetColorSchemeAsync(string scheme) =>
        SendAsync("Emulation.setEmulatedMedia", new JsonObject { ["features"] = new JsonArray(new JsonObject { ["name"] = "prefers-color-scheme", ["value"] = scheme }) });

    /// <summary>Shows a view by clicking its tab and waits until it is the one shown.</summary>
    public async Task ShowViewAsync(string view)
    {
        await ClickAsync($"#tabs button[data-view='{view}']");
        await WaitForAsync($"!document.getElementById('view-{view}').hidden", $"the {view} view");
    }

    /// <summary>Saves a PNG of the whole page to the artifacts folder and returns its path.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        var shot = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true });
        string path = Path.Combine(ArtifactsDirectory, name + ".png");
        await File.WriteAllBytesAsync(path, Convert.FromBase64String(shot.GetProperty("data").GetString()!));
        return path;
    }

    public static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);
}
