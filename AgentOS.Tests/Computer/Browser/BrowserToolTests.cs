using AgentOS.Computer.Network;
using AgentOS.Tests.Computer.Documents;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Computer.Browser;

/// <summary>
/// The browser tools in a bubblewrap session, on pages a test server serves on 127.0.0.1 through the session's proxy:
/// a form filled and submitted (the server receives the values), content rendered by script, a link followed and
/// history, tabs, scrolling, screenshots, and the refusals (a host outside the allow-list, file:// URLs).
/// </summary>
[RequiresBubblewrap]
[RequiresChromium]
[RequiresCommand("socat")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BrowserToolTests
{
    [Test(TimeoutSeconds = 180)]
    public async Task AFormFilledAndSubmittedReachesTheServerWithItsValues()
    {
        await using var f = await BrowserFixture.StartAsync();
        var opened = await f.Call("browser.navigate", BrowserFixture.Arg("url", f.Url("/form")));
        Assert.False(opened.IsError, opened.Text);
        Assert.Equal("Order form", opened.Structured!.Value.GetProperty("title").GetString());
        Assert.Equal(200, opened.Structured!.Value.GetProperty("status").GetInt32());

        var snapshot = await f.Call("browser.snapshot");
        Assert.False(snapshot.IsError, snapshot.Text);
        var name = BrowserFixture.Ref(snapshot, "name", "name");
        var color = BrowserFixture.Ref(snapshot, "name", "color");
        var send = BrowserFixture.Ref(snapshot, "label", "Send order");
        Assert.Contains($"[{name}] input type=text name=name \"Your name\"", snapshot.Text);
        var again = await f.Call("browser.snapshot");
        Assert.Equal(name, BrowserFixture.Ref(again, "name", "name"), "a reference stays the same across snapshots of one page");

        var typed = await f.Call("browser.type", BrowserFixture.Arg("ref", name) + "," + BrowserFixture.Arg("text", "Ada Lovelace"));
        Assert.False(typed.IsError, typed.Text);
        var chosen = await f.Call("browser.select", BrowserFixture.Arg("ref", color) + "," + BrowserFixture.Arg("value", "Green"));
        Assert.False(chosen.IsError, chosen.Text);
        Assert.Equal("green", chosen.Structured!.Value.GetProperty("value").GetString());
        var wrong = await f.Call("browser.select", BrowserFixture.Arg("ref", color) + "," + BrowserFixture.Arg("value", "Blue"));
        Assert.Equal("no_such_option", wrong.ErrorCode());
        Assert.Contains("Red, Green", wrong.Text);
        var notSelect = await f.Call("browser.select", BrowserFixture.Arg("ref", name) + "," + BrowserFixture.Arg("value", "x"));
        Assert.Equal("not_a_select", notSelect.ErrorCode());

        var submitted = await f.Call("browser.click", BrowserFixture.Arg("ref", send));
        Assert.False(submitted.IsError, submitted.Text);
        Assert.True(submitted.Structured!.Value.GetProperty("navigated").GetBoolean(), submitted.Text);
        Assert.Equal(f.Url("/submit"), submitted.Structured!.Value.GetProperty("url").GetString());
        var post = f.Network.P1.Requests.Single(r => r.Path == "/submit");
        Assert.Equal("POST", post.Method);
        Assert.Equal("Ada Lovelace", TestSite.Field(post.Body, "name"));
        Assert.Equal("green", TestSite.Field(post.Body, "color"));
        var text = await f.Call("browser.text");
        Assert.Equal("Thanks Ada Lovelace, color green", text.Structured!.Value.GetProperty("text").GetString());

        var gone = await f.Call("browser.click", BrowserFixture.Arg("ref", send));
        Assert.Equal("no_such_element", gone.ErrorCode());
        var bad = await f.Call("browser.click", BrowserFixture.Arg("ref", "e1'];alert(1)//"));
        Assert.Equal("no_such_element", bad.ErrorCode());
    }

    [Test(TimeoutSeconds = 180)]
    public async Task EnterInAFieldSubmitsItsForm()
    {
        await using var f = await BrowserFixture.StartAsync();
        await f.Call("browser.navigate", BrowserFixture.Arg("url", f.Url("/form")));
        var name = BrowserFixture.Ref(await f.Call("browser.snapshot"), "name", "name");
        var typed = await f.Call("browser.type", BrowserFixture.Arg("ref", name) + "," + BrowserFixture.Arg("text", "Grace") + ",\"submit\":true");
        Assert.False(typed.IsError, typed.Text);
        Assert.True(typed.Structured!.Value.GetProperty("navigated").GetBoolean());
        Assert.Equal("Grace", TestSite.Field(f.Network.P1.Requests.Single(r => r.Path == "/submit").Body, "name"));
        var unknown = await f.Call("browser.press", BrowserFixture.Arg("key", "Hyper"));
        Assert.Equal("unknown_key", unknown.ErrorCode());
    }

    [Test(TimeoutSeconds = 180)]
    public async Task ContentRenderedByScriptIsRead()
    {
        await using var f = await BrowserFixture.StartAsync();
        await f.Call("browser.navigate", BrowserFixture.Arg("url", f.Url("/js")));
        var text = await f.Call("browser.text", BrowserFixture.Arg("wait_for_text", "items:"));
        Assert.False(text.IsError, text.Text);
        Assert.Equal("rendered by script\nitems: apple, pear", text.Structured!.Value.GetProperty("text").GetString());
        Assert.True(f.Network.P1.Requests.Any(r => r.Path == "/data"), "the page's own fetch went through the proxy to the server");
        var never = await f.Call("browser.text", BrowserFixture.Arg("wait_for_text", "never shown") + ",\"wait_ms\":300");
        Assert.Equal("text_not_found", never.ErrorCode());
    }

    [Test(TimeoutSeconds = 180)]
    public async Task ALinkIsFollowedAndHistoryAndTabsWork()
    {
        await using var f = await BrowserFixture.StartAsync();
        await f.Call("browser.navigate", BrowserFixture.Arg("url", f.Url("/")));
        var link = BrowserFixture.Ref(await f.Call("browser.snapshot"), "label", "Next page");
        var followed = await f.Call("browser.click", BrowserFixture.Arg("ref", link));
        Assert.False(followed.IsError, followed.Text);
        Assert.Equal("Next", followed.Structured!.Value.GetProperty("title").GetString());
        Assert.Equal(f.Url("/next"), followed.Structured!.Value.GetProperty("url").GetString());

        var back = await f.Call("browser.back");
        Assert.Equal(f.Url("/"), back.Structured!.Value.GetProperty("url").GetString());
        var forward = await f.Call("browser.forward");
        Assert.Equal(f.Url("/next"), forward.Structured!.Value.GetProperty("url").GetString());
        Assert.Equal("no_history", (await f.Call("browser.forward")).ErrorCode());

        var opened = await f.Call("browser.tabs", BrowserFixture.Arg("action", "open") + "," + BrowserFixture.Arg("url", f.Url("/form")));
        Assert.False(opened.IsError, opened.Text);
        var tabs = opened.Structured!.Value.GetProperty("tabs").EnumerateArray().ToList();
        Assert.Equal(2, tabs.Count);
        var current = tabs.Single(t => t.GetProperty("current").GetBoolean());
        Assert.Equal(f.Url("/form"), current.GetProperty("url").GetString());
        var first = tabs.Single(t => !t.GetProperty("current").GetBoolean()).GetProperty("tab_id").GetString()!;

        await f.Call("browser.tabs", BrowserFixture.Arg("action", "switch") + "," + BrowserFixture.Arg("tab_id", first));
        Assert.Equal("Second page\n\nYou followed the link.", (await f.Call("browser.text")).Structured!.Value.GetProperty("text").GetString());
        var closed = await f.Call("browser.tabs", BrowserFixture.Arg("action", "close") + "," + BrowserFixture.Arg("tab_id", first));
        var left = closed.Structured!.Value.GetProperty("tabs").EnumerateArray().ToList();
        Assert.Equal(1, left.Count);
        Assert.True(left[0].GetProperty("current").GetBoolean(), "closing the current tab makes another current");
        Assert.Equal("no_such_tab", (await f.Call("browser.tabs", BrowserFixture.Arg("action", "switch") + "," + BrowserFixture.Arg("tab_id", first))).ErrorCode());
    }

    [Test(TimeoutSeconds = 180)]
    public async Task ScrollingMovesThePageAndScreenshotsArePngImages()
    {
        await using var f = await BrowserFixture.StartAsync();
        await f.Call("browser.navigate", BrowserFixture.Arg("url", f.Url("/long")));
        var scrolled = await f.Call("browser.scroll", "\"amount\":1000");
        Assert.Equal(1000, scrolled.Structured!.Value.GetProperty("position").GetProperty("y").GetInt32());
        var up = await f.Call("browser.scroll", BrowserFixture.Arg("direction", "up") + ",\"amount\":400");
        Assert.Equal(600, up.Structured!.Value.GetProperty("position").GetProperty("y").GetInt32());
        var button = BrowserFixture.Ref(await f.Call("browser.snapshot"), "label", "Bottom button");
        var intoView = await f.Call("browser.scroll", BrowserFixture.Arg("ref", button));
        Assert.True(intoView.Structured!.Value.GetProperty("position").GetProperty("y").GetInt32() > 4000);

        var shot = await f.Call("browser.screenshot", BrowserFixture.Arg("path", "shots/long.png"));
        Assert.False(shot.IsError, shot.Text);
        var image = shot.Content!.Single();
        Assert.Equal("image", image.Type);
        Assert.Equal("image/png", image.MimeType);
        var png = Convert.FromBase64String(image.Data!);
        Assert.SequenceEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png.Take(4));
        Assert.SequenceEqual(png, File.ReadAllBytes(Path.Combine(f.Session.WorkspaceHostPath, "shots/long.png")));
        var full = await f.Call("browser.screenshot", "\"full_page\":true");
        Assert.True(Convert.FromBase64String(full.Content!.Single().Data!).Length > 0);
    }

    [Test(TimeoutSeconds = 180)]
    public async Task AHostOutsideTheAllowListIsRefusedByTheProxyAndNeverConnected()
    {
        await using var f = await BrowserFixture.StartAsync();
        var allowed = await f.Call("browser.navigate", BrowserFixture.Arg("url", f.Url("/next")));
        Assert.False(allowed.IsError, allowed.Text);

        var refused = await f.Call("browser.navigate", BrowserFixture.Arg("url", $"http://127.0.0.1:{f.RefusedPort}/"));
        Assert.Equal("refused_by_proxy", refused.ErrorCode());
        Assert.Contains($"127.0.0.1:{f.RefusedPort} is not in the agent's network grant", refused.Text);
        var tunnel = await f.Call("browser.navigate", BrowserFixture.Arg("url", $"https://127.0.0.1:{f.RefusedPort}/"));
        Assert.Equal("refused_by_proxy", tunnel.ErrorCode());
        Assert.Equal(0, f.Network.P2Connections);
        var event1 = await f.Network.EventAsync(e => e.Stage == NetworkStage.Refused && e.Port == f.RefusedPort && e.Session == f.Session.Id);
        Assert.Equal("alice", event1.Agent);
    }

    [Test(TimeoutSeconds = 180)]
    public async Task FileAndBrowserInternalUrlsAreRefusedAndChangeNothing()
    {
        await using var f = await BrowserFixture.StartAsync();
        await f.Call("browser.navigate", BrowserFixture.Arg("url", f.Url("/next")));
        foreach (var url in (string[])["file:///etc/passwd", "FILE:///etc/hostname", "chrome://version", "view-source:http://127.0.0.1/", "javascript:alert(1)", "data:text/html,<p>x</p>", "not a url"])
        {
            var refused = await f.Call("browser.navigate", BrowserFixture.Arg("url", url));
            Assert.Equal("url_refused", refused.ErrorCode(), url);
            var tab = await f.Call("browser.tabs", BrowserFixture.Arg("action", "open") + "," + BrowserFixture.Arg("url", url));
            Assert.Equal("url_refused", tab.ErrorCode(), url);
        }
        var still = await f.Call("browser.text");
        Assert.Equal(f.Url("/next"), still.Structured!.Value.GetProperty("url").GetString());
        var tabs = await f.Call("browser.tabs");
        Assert.Equal(1, tabs.Structured!.Value.GetProperty("tabs").GetArrayLength());
    }
}
