using System.Net;
using System.Text.Json;
using AgentOS.Computer.Browser;
using AgentOS.Computer.Sessions;
using AgentOS.Tests.Computer.Documents;
using AgentOS.Tests.Computer.Network;
using AgentOS.Tools;

namespace AgentOS.Tests.Computer.Browser;

/// <summary>
/// A bubblewrap session of agent "alice" whose grant allows the test site (P1, <see cref="TestSite"/>) and nothing
/// else, the browser tools registered on it, and the proxy's events: the browser reaches pages only through the
/// session's proxy, as in production.
/// </summary>
internal sealed class BrowserFixture : IAsyncDisposable
{
    private BrowserFixture(ProxyFixture network, ToolRegistry tools, BrowserPool browsers, ComputerSession session)
    {
        Network = network;
        Tools = tools;
        Browsers = browsers;
        Session = session;
    }

    public ProxyFixture Network { get; }

    public ToolRegistry Tools { get; }

    public BrowserPool Browsers { get; }

    public ComputerSession Session { get; }

    /// <summary>The test site's address for <paramref name="path"/>.</summary>
    public string Url(string path) => $"http://127.0.0.1:{Network.P1.Port}{path}";

    /// <summary>A port on 127.0.0.1 outside the grant (it only counts connections).</summary>
    public int RefusedPort => Network.P2;

    public static async Task<BrowserFixture> StartAsync(params string[] moreGrants)
    {
        var network = new ProxyFixture(true, (p1, _) => new() { ["alice"] = [$"127.0.0.1:{p1}", .. moreGrants] }, p1: TestSite.ServeAsync);
        var tools = new ToolRegistry();
        var browsers = BrowserTools.Register(tools, network.Manager.Resolver, options: new BrowserToolOptions { SettleTime = TimeSpan.FromMilliseconds(500) });
        var session = await network.Manager.CreateAsync("alice");
        return new BrowserFixture(network, tools, browsers, session);
    }

    /// <summary>Calls a browser tool on the session with <paramref name="arguments"/> (session_id added).</summary>
    public Task<ToolOutput> Call(string tool, string arguments = "")
    {
        var json = "{\"session_id\":" + JsonSerializer.Serialize(Session.Id) + (arguments.Length == 0 ? "" : "," + arguments) + "}";
        return Tools.CallAsync(tool, json);
    }

    public static string Arg(string name, string value) => JsonSerializer.Serialize(name) + ":" + JsonSerializer.Serialize(value);

    /// <summary>The element of the last snapshot whose <paramref name="key"/> is <paramref name="value"/>.</summary>
    public static string Ref(ToolOutput snapshot, string key, string value) =>
        snapshot.Structured!.Value.GetProperty("elements").EnumerateArray()
            .First(e => e.TryGetProperty(key, out var v) && v.GetString() == value).GetProperty("ref").GetString()!;

    public void DeclareKernelEndpoint(int port) => Network.Manager.KernelEndpoints.Add(new IPEndPoint(IPAddress.Loopback, port));

    public async ValueTask DisposeAsync()
    {
        await Browsers.DisposeAsync();
        await Network.DisposeAsync();
    }
}
