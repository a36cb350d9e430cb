using AgentOS.Computer.Network;
using AgentOS.Tests.Computer.Documents;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Computer.Browser;

/// <summary>
/// The escape suite's browser probes, each with its positive control in the same run: the host's files through
/// file:// (the file exists and the kernel reads it; the browser never shows it, whether asked directly or by a
/// page), loopback through the browser (a granted loopback server is reached; declared as a kernel endpoint it is
/// not), and the allow-list from page script (a fetch to a granted port arrives; fetch and WebSocket to a refused
/// port never connect and are refused, evented); and the browser itself runs as the session's uid in the session's
/// own network namespace.
/// </summary>
[RequiresBubblewrap]
[RequiresChromium]
[RequiresCommand("socat")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BrowserEscapeSuiteTests
{
    [Test(TimeoutSeconds = 180)]
    public async Task FileUrlsNeverShowTheHostsFilesWhileThePageAroundThemWorks()
    {
        using var secretFolder = new TempDirectory("agentos-browser-secret");
        var secret = secretFolder.Combine("secret.txt");
        File.WriteAllText(secret, "host-secret-7f3a");
        Assert.Equal("host-secret-7f3a", File.ReadAllText(secret), "control: the file exists on the host and is readable by the kernel");
        await using var f = await BrowserFixture.StartAsync();

        var direct = await f.Call("browser.navigate", BrowserFixture.Arg("url", "file://" + secret));
        Assert.Equal("url_refused", direct.ErrorCode());

        var probe = await f.Call("browser.navigate", BrowserFixture.Arg("url", f.Url($"/probe?refused={f.RefusedPort}&file={Uri.EscapeDataString(secret)}")));
        Assert.False(probe.IsError, "control: the probe page itself loads through the proxy: " + probe.Text);
        var text = await f.Call("browser.text", BrowserFixture.Arg("wait_for_text", "done"));
        var shown = text.Structured!.Value.GetProperty("text").GetString()!;
        Assert.Contains("allowed fetch: ", shown, "control: the page's script runs and reaches the granted server");
        Assert.Contains("file fetch: failed", shown);
        Assert.DoesNotContain("host-secret-7f3a", shown);
        var snapshot = await f.Call("browser.snapshot");
        Assert.DoesNotContain("host-secret-7f3a", snapshot.Text);
    }

    [Test(TimeoutSeconds = 180)]
    public async Task PageScriptCannotGoAroundTheAllowListByFetchOrWebSocket()
    {
        await using var f = await BrowserFixture.StartAsync();
        await f.Call("browser.navigate", BrowserFixture.Arg("url", f.Url($"/probe?refused={f.RefusedPort}&file=/etc/hostname")));
        var shown = (await f.Call("browser.text", BrowserFixture.Arg("wait_for_text", "done"))).Structured!.Value.GetProperty("text").GetString()!;

        Assert.True(f.Network.P1.Requests.Any(r => r.Path == "/allowed-fetch"), "control: a fetch to the granted port arrives");
        // A no-cors fetch gets the proxy's 403 as an opaque answer; what matters is that it never connected.
        Assert.Contains("refused fetch: ", shown);
        Assert.Contains("websocket: failed", shown);
        Assert.Equal(0, f.Network.P2Connections, "nothing reached the refused port");
        await f.Network.EventAsync(e => e.Stage == NetworkStage.Refused && e.Port == f.RefusedPort && e.Session == f.Session.Id);
    }

    [Test(TimeoutSeconds = 180)]
    public async Task LoopbackThroughTheBrowserReachesOnlyWhatTheGrantAllowsAndNeverTheKernel()
    {
        await using var kernelPort = new ScriptedHttpServer((_, exchange) => exchange.RespondAsync(200, "<title>kernel</title>kernel API", "text/html"));
        await using var f = await BrowserFixture.StartAsync($"127.0.0.1:{kernelPort.Port}");

        var control = await f.Call("browser.navigate", BrowserFixture.Arg("url", kernelPort.Url));
        Assert.False(control.IsError, "control: a granted loopback port is reached through the proxy: " + control.Text);
        Assert.True(kernelPort.Requests.Any(r => r.Path == "/"));

        f.DeclareKernelEndpoint(kernelPort.Port);
        var refused = await f.Call("browser.navigate", BrowserFixture.Arg("url", kernelPort.Url + "again"));
        Assert.Equal("refused_by_proxy", refused.ErrorCode());
        Assert.Contains("kernel's own endpoints", refused.Text);
        Assert.False(kernelPort.Requests.Any(r => r.Path == "/again"), "the kernel's port never got the request, although the grant names it");
        var inNamespace = await f.Call("browser.navigate", BrowserFixture.Arg("url", $"http://localhost:{f.RefusedPort}/"));
        Assert.True(inNamespace.IsError, "localhost is loopback too: through the proxy, and refused");
        Assert.Equal(0, f.Network.P2Connections);
    }

    [Test(TimeoutSeconds = 180)]
    public async Task TheBrowserRunsAsTheSessionsUserInItsOwnNetworkNamespace()
    {
        await using var f = await BrowserFixture.StartAsync();
        var opened = await f.Call("browser.navigate", BrowserFixture.Arg("url", f.Url("/")));
        Assert.False(opened.IsError, opened.Text);
        var launcher = f.Browsers.ProcessIdOf(f.Session.Id)!.Value;
        var browsers = ProcessesUnder(launcher).Where(pid => Comm(pid) == "chromium").ToList();
        Assert.True(browsers.Count > 0, "control: the browser's processes are found under its launcher");
        var ownNet = new FileInfo("/proc/self/ns/net").LinkTarget;
        foreach (var pid in browsers)
        {
            var uid = File.ReadAllLines($"/proc/{pid}/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
            Assert.NotEqual("0", uid);
            Assert.NotEqual(ownNet, new FileInfo($"/proc/{pid}/ns/net").LinkTarget);
        }
    }

    private static string Comm(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static List<int> ProcessesUnder(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid))
            {
                try
                {
                    var stat = File.ReadAllText($"{dir}/stat");
                    parents[pid] = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                }
                catch (IOException)
                {
                }
            }
        }
        var found = new List<int>();
        var frontier = new Queue<int>([root]);
        while (frontier.Count > 0)
        {
            var parent = frontier.Dequeue();
            foreach (var (pid, ppid) in parents)
            {
                if (ppid == parent)
                {
                    found.Add(pid);
                    frontier.Enqueue(pid);
                }
            }
        }
        return found;
    }
}
