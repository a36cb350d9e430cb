using AgentOS.Access;
using AgentOS.Computer.Network;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Computer.Network;

/// <summary>
/// The network path end to end in bubblewrap sessions: the session keeps its own network namespace, so a direct
/// connect to a server on the host's 127.0.0.1 fails, while curl and Python reach a granted port through the relay
/// (127.0.0.1:3128 inside) and the kernel's proxy; a refused port is a 403, evented and audited.
/// </summary>
[RequiresBubblewrap]
[RequiresCommand("socat")]
[RequiresCommand("curl")]
[RequiresCommand("python3")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SandboxedProxyTests
{
    [Test(TimeoutSeconds = 120)]
    public async Task ADirectConnectFailsAndCurlAndPythonGoThroughTheProxy()
    {
        await using var fixture = new ProxyFixture(true, (p1, _) => new() { ["alice"] = [$"127.0.0.1:{p1}"] });
        var session = await fixture.Manager.CreateAsync("alice");
        int p1 = fixture.P1.Port;

        var direct = await fixture.Manager.RunAsync("alice", session.Id, $"curl -s -m 5 --noproxy '*' http://127.0.0.1:{p1}/direct; echo \"exit=$?\"");
        var plain = await fixture.Manager.RunAsync("alice", session.Id, $"curl -s -m 10 http://127.0.0.1:{p1}/plain");
        var tunnel = await fixture.Manager.RunAsync("alice", session.Id, $"curl -s -m 10 --proxytunnel http://127.0.0.1:{p1}/tunnel");
        var python = await fixture.Manager.RunAsync("alice", session.Id, $"python3 -c \"import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:{p1}/python').read().decode())\"");
        var env = await fixture.Manager.RunAsync("alice", session.Id, "echo $HTTP_PROXY $https_proxy $ALL_PROXY");

        Assert.Equal("http://127.0.0.1:3128", session.ProxyUrl);
        Assert.Equal("exit=7\n", direct.Stdout, "the session's own namespace has no route to the host's loopback");
        Assert.Equal("hello from P1 /plain", plain.Stdout, plain.Stderr);
        Assert.Equal("hello from P1 /tunnel", tunnel.Stdout, tunnel.Stderr);
        Assert.Equal("hello from P1 /python\n", python.Stdout, python.Stderr);
        Assert.Equal("http://127.0.0.1:3128 http://127.0.0.1:3128 http://127.0.0.1:3128\n", env.Stdout);
        Assert.False(fixture.P1.Requests.Any(r => r.Path == "/direct"));
        await fixture.EventAsync(e => e.Stage == NetworkStage.Allowed && e.Method == "CONNECT" && e.Session == session.Id);
        await fixture.EventAsync(e => e.Stage == NetworkStage.Allowed && e.Method == "GET" && e.Session == session.Id);
    }

    [Test(TimeoutSeconds = 120)]
    public async Task ARefusedPortFromInsideIsA403EventedAndAudited()
    {
        await using var fixture = new ProxyFixture(true, (p1, _) => new() { ["alice"] = [$"127.0.0.1:{p1}"] });
        var session = await fixture.Manager.CreateAsync("alice");

        var refused = await fixture.Manager.RunAsync("alice", session.Id, $"curl -s -o /dev/null -w '%{{http_code}}' -m 10 http://127.0.0.1:{fixture.P2}/");
        var tunnel = await fixture.Manager.RunAsync("alice", session.Id, $"curl -s -m 10 --proxytunnel http://127.0.0.1:{fixture.P2}/; echo \"exit=$?\"");

        Assert.Equal("403", refused.Stdout);
        Assert.Equal("exit=56\n", tunnel.Stdout, "curl reports a refused CONNECT as a receive failure (56)");
        Assert.Equal(0, fixture.P2Connections);
        var refusal = await fixture.EventAsync(e => e.Stage == NetworkStage.Refused && e.Port == fixture.P2 && e.Method == "CONNECT");
        Assert.Equal(session.Id, refusal.Session);
        Assert.Equal(2, fixture.Audit.ReadAll().Count(r => r.Decision == AuditDecision.Denied && r.Target == $"network:127.0.0.1:{fixture.P2}" && r.Agent == "alice"));
    }

    [Test(TimeoutSeconds = 120)]
    public async Task TheRelayOutlivesACommandThatTimedOut()
    {
        await using var fixture = new ProxyFixture(true, (p1, _) => new() { ["alice"] = [$"127.0.0.1:{p1}"] });
        var session = await fixture.Manager.CreateAsync("alice");

        var slow = await fixture.Manager.RunAsync("alice", session.Id, "sleep 60", TimeSpan.FromSeconds(1));
        var after = await fixture.Manager.RunAsync("alice", session.Id, $"curl -s -m 10 http://127.0.0.1:{fixture.P1.Port}/after");

        Assert.True(slow.TimedOut);
        Assert.Equal("hello from P1 /after", after.Stdout, after.Stderr);
    }
}
