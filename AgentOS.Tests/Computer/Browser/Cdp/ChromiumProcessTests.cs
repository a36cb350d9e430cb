using System.Text.Json.Nodes;
using AgentOS.Computer.Browser.Cdp;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Computer.Browser.Cdp;

/// <summary>The launcher and the client against a real Chromium outside any sandbox: a page opened, loaded and read,
/// a typed error from the real browser, and nothing left behind on dispose.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ChromiumProcessTests
{
    [Test]
    [RequiresChromium]
    public async Task ALaunchedBrowserOpensAPageRunsScriptAndAnswersErrorsTyped()
    {
        var browser = await ChromiumProcess.LaunchAsync(new ChromiumLaunchOptions());
        try
        {
            var version = await browser.Connection.SendAsync("Browser.getVersion");
            Assert.Contains("Chrome", version.GetProperty("product").GetString());

            var page = await browser.Connection.NewPageAsync();
            await page.SendAsync("Page.enable");
            var loaded = page.WaitForEventAsync("Page.loadEventFired");
            await page.SendAsync("Page.navigate", new JsonObject { ["url"] = "data:text/html,<title>t</title><p id=p>hello</p><script>document.getElementById('p').textContent += ' world'</script>" });
            await loaded;
            var text = await page.SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = "document.getElementById('p').textContent", ["returnByValue"] = true });
            Assert.Equal("hello world", text.GetProperty("result").GetProperty("value").GetString());

            var error = await Assert.ThrowsAsync<CdpProtocolException>(() => page.SendAsync("Nope.nothing"));
            Assert.Equal(-32601, error.Code);

            var closing = browser.Connection.WaitForEventAsync("Target.detachedFromTarget", match: e => e.Params.GetProperty("sessionId").GetString() == page.Id);
            await page.CloseTargetAsync();
            await closing;
            await Assert.ThrowsAsync<CdpException>(() => page.SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = "1" }));
        }
        finally
        {
            await browser.DisposeAsync();
        }
        Assert.False(Directory.Exists($"/proc/{browser.ProcessId}"), "disposing stops (and reaps) the browser");
        Assert.False(browser.Connection.IsConnected);
    }

    [Test]
    [RequiresChromium]
    public async Task DisposingRemovesTheTemporaryProfileAndThePipes()
    {
        var before = Directory.GetDirectories(Path.GetTempPath(), "agentos-c*").ToHashSet();
        var browser = await ChromiumProcess.LaunchAsync(new ChromiumLaunchOptions());
        var during = Directory.GetDirectories(Path.GetTempPath(), "agentos-c*").Except(before).ToList();
        Assert.Equal(2, during.Count, "a profile and a pipe folder while it runs");
        await browser.DisposeAsync();
        Assert.False(during.Any(Directory.Exists), "both are gone after dispose");
    }

    [Test]
    [RequiresChromium]
    public async Task AnExecutableThatIsNotABrowserFailsToLaunchWithATypedError()
    {
        var error = await Assert.ThrowsAsync<ChromiumLaunchException>(() =>
            ChromiumProcess.LaunchAsync(new ChromiumLaunchOptions { ExecutablePath = "/bin/false", StartupTimeout = TimeSpan.FromSeconds(20) }));
        Assert.Contains("did not start", error.Message);
    }

    [Test]
    public void TheCommandLineRoutesLoopbackThroughTheProxy()
    {
        var argv = ChromiumProcess.CommandLine(new ChromiumLaunchOptions { ExecutablePath = "/x/chromium", ProxyServer = "http://127.0.0.1:9" }, "/tmp/p");
        Assert.Equal("/x/chromium", argv[0]);
        Assert.Contains("--proxy-server=http://127.0.0.1:9", argv);
        Assert.Contains("--proxy-bypass-list=<-loopback>", argv);
        Assert.Contains("--remote-debugging-pipe", argv);
        Assert.Contains("--user-data-dir=/tmp/p", argv);
        Assert.DoesNotContain("--proxy-bypass-list=<-loopback>", ChromiumProcess.CommandLine(new ChromiumLaunchOptions { ExecutablePath = "/x/chromium" }, "/tmp/p"));
    }
}
