using System.Net;
using System.Text.Json;
using AgentOS.Access;
using AgentOS.Computer;
using AgentOS.Computer.Sessions;
using AgentOS.Sdk;
using AgentOS.Tests.Computer;
using AgentOS.Tests.Computer.Browser;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Hosting.Dashboard;

/// <summary>
/// What an operator sees of a computer-use session: <c>GET /v1/sessions/{id}/terminal</c> (what its terminal
/// printed) and <c>GET /v1/sessions/{id}/screenshot</c> (its browser's page as a PNG), for the owner and monitors
/// only, never starting a browser; and the dashboard's computer view showing both in a real Chromium.
/// </summary>
[RequiresBubblewrap]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SessionViewTests
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    // alice (in "agents", as DashboardServer's policy has her) may also use sessions, the terminal and the browser.
    private static DashboardServer StartWithSessions() => DashboardServer.Start(options => options with
    {
        Computer = new ComputerOptions(),
        Access = AccessPolicy.CreateBuilder()
            .AddGroup("agents", g => g.UseLlm("echo").AllowTools(["math.add", .. SessionManager.ToolNames, "browser.navigate"]))
            .AddAgent("alice", "agents")
            .Build(),
    });

    private static async Task<string> CreateSessionAsync(AgentContext alice)
    {
        var created = await alice.Action.CallAsync("session.create");
        Assert.False(created.IsError, created.Output);
        return created.Structured!.Value.GetProperty("session_id").GetString()!;
    }

    private static async Task RunAsync(AgentContext alice, string id, string command)
    {
        var run = await alice.Action.CallAsync("terminal.run", JsonSerializer.Serialize(new Dictionary<string, string> { ["session_id"] = id, ["command"] = command }));
        Assert.False(run.IsError, run.Output);
    }

    [Test(TimeoutSeconds = 120)]
    public async Task TheOwnerAndMonitorsSeeTheTerminalsOutputOthersSeeNothingAndNoBrowserIsStarted()
    {
        await using var server = StartWithSessions();
        var alice = new AgentContext("alice", server.Kernel.Port);
        string id = await CreateSessionAsync(alice);
        await RunAsync(alice, id, "echo TERMINAL-MARKER-$((6 * 7))");

        using var owner = server.Bearer(DashboardServer.AliceKey);
        using var terminal = await owner.GetAsync($"v1/sessions/{id}/terminal");
        string body = await terminal.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, terminal.StatusCode, body);
        using (var json = JsonDocument.Parse(body))
        {
            string output = json.RootElement.GetProperty("output").GetString()!;
            Assert.Contains("$ echo TERMINAL-MARKER-$((6 * 7))\nTERMINAL-MARKER-42\n", output); // the command, then what it printed
            Assert.Equal("alice", json.RootElement.GetProperty("agent").GetString());
            Assert.Equal(1L, json.RootElement.GetProperty("commands").GetInt64());
        }

        // A monitor (the admin, through the dashboard's cookie) sees it too.
        var (cookie, _) = await server.LoginAsync();
        using var anonymous = server.Anonymous();
        using var asMonitor = await anonymous.SendAsync(DashboardServer.PageRequest(HttpMethod.Get, $"v1/sessions/{id}/terminal", cookie));
        Assert.Equal(HttpStatusCode.OK, asMonitor.StatusCode);
        Assert.Contains("TERMINAL-MARKER-42", await asMonitor.Content.ReadAsStringAsync());

        // No browser runs: 404 with a JSON error, and asking did not start one.
        using var shot = await owner.GetAsync($"v1/sessions/{id}/screenshot");
        Assert.Equal(HttpStatusCode.NotFound, shot.StatusCode);
        Assert.Equal("application/json", shot.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no browser running", await shot.Content.ReadAsStringAsync());
        Assert.Equal(0, server.Kernel.Browsers!.Count);

        // bob is neither alice nor a monitor: the same 404 as for a session that does not exist, and none of its output.
        using var bob = server.Bearer(DashboardServer.BobKey);
        foreach (var view in new[] { "terminal", "screenshot" })
        {
            using var refused = await bob.GetAsync($"v1/sessions/{id}/{view}");
            string refusal = await refused.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode, refusal);
            Assert.DoesNotContain("TERMINAL-MARKER", refusal);
            using var missing = await owner.GetAsync($"v1/sessions/no-such-session/{view}");
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }
        using var unauthenticated = await server.Anonymous().GetAsync($"v1/sessions/{id}/terminal");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        Assert.Equal(0, server.Kernel.Browsers.Count);
        // Watching is read-only: it neither ran a command nor touched the session's count.
        Assert.Equal(1L, server.Kernel.Status.Computer!.Sessions.Single().Commands);
    }

    [Test(TimeoutSeconds = 180)]
    [RequiresChromium]
    [RequiresCommand("socat")]
    public async Task TheOwnerGetsThePngOfTheSessionsBrowserAndTheComputerViewShowsItWithTheTerminal()
    {
        await using var server = StartWithSessions();
        var alice = new AgentContext("alice", server.Kernel.Port);
        string id = await CreateSessionAsync(alice);
        await RunAsync(alice, id, "echo PAGE-MARKER-$((6 * 7))");
        var opened = await alice.Action.CallAsync("browser.navigate", JsonSerializer.Serialize(new Dictionary<string, string> { ["session_id"] = id, ["url"] = "about:blank" }));
        Assert.False(opened.IsError, opened.Output);

        using var owner = server.Bearer(DashboardServer.AliceKey);
        using var shot = await owner.GetAsync($"v1/sessions/{id}/screenshot");
        Assert.Equal(HttpStatusCode.OK, shot.StatusCode, await shot.Content.ReadAsStringAsync());
        Assert.Equal("image/png", shot.Content.Headers.ContentType?.MediaType);
        var png = await shot.Content.ReadAsByteArrayAsync();
        Assert.SequenceEqual(PngSignature, png.Take(8).ToArray());
        using var bob = server.Bearer(DashboardServer.BobKey);
        using var refused = await bob.GetAsync($"v1/sessions/{id}/screenshot");
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.NotEqual("image/png", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1, server.Kernel.Browsers!.Count);

        // The page: the computer view shows the session's screenshot (loaded) and its terminal's output.
        await using var browser = await DashboardBrowserTests.OpenAsync();
        var page = browser.Page;
        await page.LogInAsync(server.Url, DashboardServer.AdminToken);
        await page.ShowViewAsync("computer");
        string card = $"document.querySelector('#sessions article[data-session=\"{id}\"]')";
        await page.WaitForAsync($"{card} && {card}.querySelector('img.screenshot').complete && {card}.querySelector('img.screenshot').naturalWidth > 0", "the session's screenshot to load");
        Assert.False(await page.TrueAsync($"{card}.querySelector('img.screenshot').hidden"), "the loaded screenshot is shown");
        Assert.Contains("session", await page.TextAsync($"{card}.querySelector('img.screenshot').alt"));
        await page.WaitForAsync($"{card}.querySelector('pre.terminal').textContent.includes('PAGE-MARKER-42')", "the terminal's output");
        Assert.DoesNotContain("not landed", await page.TextAsync("document.getElementById('view-computer').textContent"));
    }
}
