using AgentOS.Access;
using AgentOS.Computer;
using AgentOS.Computer.Network;
using AgentOS.Computer.Sessions;
using AgentOS.Hosting.Http;
using AgentOS.Kernel;
using AgentOS.Tests.Computer.Network;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Computer;

/// <summary>
/// The escape suite's network probes: attempts to get past the allow-list from inside a bubblewrap session whose
/// agent may reach only 127.0.0.1:P1. Each probe has its positive control: the same technique aimed at the granted
/// destination (or run without isolation) succeeds, so a refusal is the policy at work, not a broken probe.
/// </summary>
[RequiresBubblewrap]
[RequiresCommand("socat")]
[RequiresCommand("python3")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NetworkEscapeSuiteTests
{
    private static ProxyFixture Fixture(bool sandboxed) => new(sandboxed, (p1, _) => new() { ["prober"] = [$"127.0.0.1:{p1}"] });

    [Test(TimeoutSeconds = 120)]
    public async Task ADirectSocketToTheHostFailsInTheSandbox()
    {
        await using var control = Fixture(sandboxed: false);
        await using var fixture = Fixture(sandboxed: true);
        var unisolated = await control.Manager.CreateAsync("prober");
        var session = await fixture.Manager.CreateAsync("prober");

        var controlDirect = await SandboxProbe.DirectAsync(control.Manager, unisolated, control.P1.Port);
        var direct = await SandboxProbe.DirectAsync(fixture.Manager, session, fixture.P1.Port);
        var proxied = await SandboxProbe.ThroughProxyAsync(fixture.Manager, session, $"GET http://127.0.0.1:{fixture.P1.Port}/proxied HTTP/1.1\r\n\r\n");

        Assert.Equal("connected", controlDirect);
        Assert.Equal("failed 111", direct, "ECONNREFUSED: the session's own loopback has nothing on that port");
        Assert.Contains("hello from P1 /proxied", proxied);
    }

    [Test(TimeoutSeconds = 120)]
    public async Task ConnectToARefusedPortIsRefused()
    {
        await using var fixture = Fixture(sandboxed: true);
        var session = await fixture.Manager.CreateAsync("prober");

        var control = await SandboxProbe.ThroughProxyAsync(fixture.Manager, session, $"CONNECT 127.0.0.1:{fixture.P1.Port} HTTP/1.1\r\n\r\nGET /in-tunnel HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        var probe = await SandboxProbe.ThroughProxyAsync(fixture.Manager, session, $"CONNECT 127.0.0.1:{fixture.P2} HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.Contains("200 Connection Established", control);
        Assert.Contains("hello from P1 /in-tunnel", control);
        Assert.Contains("HTTP/1.1 403 Forbidden", probe);
        Assert.DoesNotContain("Connection Established", probe);
        Assert.Equal(0, fixture.P2Connections);
        await fixture.EventAsync(e => e.Stage == NetworkStage.Refused && e.Port == fixture.P2);
    }

    [Test(TimeoutSeconds = 120)]
    public async Task AnAbsoluteFormRequestToARefusedHostIsRefused()
    {
        await using var fixture = Fixture(sandboxed: true);
        var session = await fixture.Manager.CreateAsync("prober");
        int p1 = fixture.P1.Port;

        var control = await SandboxProbe.ThroughProxyAsync(fixture.Manager, session, $"GET http://127.0.0.1:{p1}/ok HTTP/1.1\r\n\r\n");
        var byName = await SandboxProbe.ThroughProxyAsync(fixture.Manager, session, $"GET http://localhost:{p1}/ HTTP/1.1\r\n\r\n");
        var otherPort = await SandboxProbe.ThroughProxyAsync(fixture.Manager, session, $"GET http://127.0.0.1:{fixture.P2}/ HTTP/1.1\r\n\r\n");
        var userinfo = await SandboxProbe.ThroughProxyAsync(fixture.Manager, session, $"GET http://127.0.0.1:{p1}@127.0.0.1:{fixture.P2}/ HTTP/1.1\r\n\r\n");
        var decimalAddress = await SandboxProbe.ThroughProxyAsync(fixture.Manager, session, $"GET http://2130706433:{fixture.P2}/ HTTP/1.1\r\n\r\n");

        Assert.Contains("hello from P1 /ok", control);
        Assert.Contains("HTTP/1.1 403", byName);
        Assert.Contains("HTTP/1.1 403", otherPort);
        Assert.Contains("HTTP/1.1 403", userinfo);
        Assert.Contains("HTTP/1.1 403", decimalAddress);
        Assert.Equal(1, fixture.P1.Requests.Count);
        Assert.Equal(0, fixture.P2Connections);
    }

    [Test(TimeoutSeconds = 120)]
    public async Task HostHeaderGamesReachNothingTheGrantDoesNotName()
    {
        await using var fixture = Fixture(sandboxed: true);
        var session = await fixture.Manager.CreateAsync("prober");
        int p1 = fixture.P1.Port;
        int p2 = fixture.P2;

        var control = await SandboxProbe.ThroughProxyAsync(fixture.Manager, session, $"GET http://127.0.0.1:{p1}/host HTTP/1.1\r\nHost: 127.0.0.1:{p2}\r\n\r\n");
        var originForm = await SandboxProbe.ThroughProxyAsync(fixture.Manager, session, $"GET / HTTP/1.1\r\nHost: 127.0.0.1:{p2}\r\n\r\n");
        var connectWithHost = await SandboxProbe.ThroughProxyAsync(fixture.Manager, session, $"CONNECT 127.0.0.1:{p2} HTTP/1.1\r\nHost: 127.0.0.1:{p1}\r\n\r\n");
        var injected = await SandboxProbe.ThroughProxyAsync(fixture.Manager, session, $"GET http://127.0.0.1:{p1}/ HTTP/1.1\r\nX-A: 1\nHost: 127.0.0.1:{p2}\r\n\r\n");

        Assert.Contains("hello from P1 /host", control);
        Assert.Equal($"127.0.0.1:{p1}", fixture.P1.Requests.Single().Header("Host"), "the server is told the checked destination, not the client's Host");
        Assert.Contains("HTTP/1.1 400", originForm);
        Assert.Contains("HTTP/1.1 403", connectWithHost);
        Assert.Contains("HTTP/1.1 400", injected);
        Assert.Equal(0, fixture.P2Connections);
    }

    [Test(TimeoutSeconds = 120)]
    public async Task TheKernelsHttpPortIsRefusedThroughTheProxyEvenUnderAWildcardGrant()
    {
        using var temp = new TempDirectory("agentos-netescape");
        await using var p1 = new ScriptedHttpServer((request, exchange) => exchange.RespondAsync(200, "hello from P1 " + request.Path, "text/plain"));
        await using var kernel = AgentKernel.Start(new KernelOptions
        {
            DataDirectory = temp.Path,
            Computer = new ComputerOptions { Limits = new() { DiskBytes = 4L << 20 } },
            Access = AccessPolicy.CreateBuilder().AddGroup("net", g => g.AllowTools([.. SessionManager.ToolNames]).AllowNetwork("127.0.0.1:*")).Build(),
        });
        kernel.RegisterIdentity("prober", ["net"]);
        await using var server = KernelHttpServer.Start(kernel, new HttpServerOptions { BearerToken = "probe-token" });
        var sessions = kernel.Sessions!;
        var session = await sessions.CreateAsync("prober");

        var control = await SandboxProbe.ThroughProxyAsync(sessions, session, $"GET http://127.0.0.1:{p1.Port}/control HTTP/1.1\r\n\r\n");
        var plain = await SandboxProbe.ThroughProxyAsync(sessions, session, $"GET http://127.0.0.1:{server.Url.Port}/v1/status HTTP/1.1\r\nAuthorization: Bearer probe-token\r\n\r\n");
        var tunnel = await SandboxProbe.ThroughProxyAsync(sessions, session, $"CONNECT 127.0.0.1:{server.Url.Port} HTTP/1.1\r\n\r\n");

        Assert.Contains("hello from P1 /control", control);
        Assert.Contains("HTTP/1.1 403", plain);
        Assert.Contains("the kernel's own endpoints", plain);
        Assert.Contains("HTTP/1.1 403", tunnel);
    }
}
