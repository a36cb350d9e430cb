using System.Net;
using System.Net.Sockets;
using System.Text;
using AgentOS.Access;
using AgentOS.Computer.Network;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Computer.Network;

/// <summary>
/// The session proxy's policy, spoken to directly over the loopback port an unisolated session gets (no sandbox
/// needed): tunnels and plain requests to granted destinations, refusals (evented and audited) for the rest, names
/// that resolve to refused addresses, the kernel's own endpoints, and the per-session limits.
/// </summary>
public sealed class ProxyTests
{
    private static Dictionary<string, string[]> Grant(string agent, params string[] entries) => new() { [agent] = entries };

    [Test(TimeoutSeconds = 60)]
    public async Task AGrantedPortIsTunnelledAndForwardedWithTheCheckedHostOnly()
    {
        await using var fixture = new ProxyFixture(false, (p1, _) => Grant("alice", $"127.0.0.1:{p1}"));
        var session = await fixture.Manager.CreateAsync("alice");
        int proxy = ProxyFixture.ProxyPort(session);
        int p1 = fixture.P1.Port;

        var tunnel = await ProxyFixture.SendAsync(proxy, $"CONNECT 127.0.0.1:{p1} HTTP/1.1\r\nHost: 127.0.0.1:{fixture.P2}\r\n\r\nGET /tunnelled HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        var plain = await ProxyFixture.SendAsync(proxy, $"GET http://127.0.0.1:{p1}/plain?q=1 HTTP/1.1\r\nHost: 127.0.0.1:{fixture.P2}\r\nProxy-Authorization: Basic c2VjcmV0\r\nX-Kept: yes\r\n\r\n");

        Assert.Contains("HTTP/1.1 200 Connection Established\r\n\r\nHTTP/1.1 200", tunnel);
        Assert.Contains("hello from P1 /tunnelled", tunnel);
        Assert.Contains("hello from P1 /plain?q=1", plain);
        var forwarded = fixture.P1.Requests.Single(r => r.Path == "/plain?q=1");
        Assert.Equal($"127.0.0.1:{p1}", forwarded.Header("Host"), "the server sees the destination that was checked, not the client's Host header");
        Assert.Null(forwarded.Header("Proxy-Authorization"));
        Assert.Equal("yes", forwarded.Header("X-Kept"));
        Assert.Equal("close", forwarded.Header("Connection"));
        Assert.Equal(0, fixture.P2Connections);
        var allowed = await fixture.EventAsync(e => e.Stage == NetworkStage.Allowed && e.Method == "GET");
        Assert.Equal(session.Id, allowed.Session);
        Assert.Equal("alice", allowed.Agent);
        Assert.Equal(p1, allowed.Port);
        Assert.Equal("127.0.0.1", allowed.Address);
        await fixture.EventAsync(e => e.Stage == NetworkStage.Allowed && e.Method == "CONNECT");
        var closed = await fixture.EventAsync(e => e.Stage == NetworkStage.Closed && e.Method == "GET");
        Assert.True(closed.Bytes > 0);
        await fixture.Audit.FlushAsync();
        Assert.Equal(2, fixture.Audit.ReadAll().Count(r => r.Decision == AuditDecision.Allowed && r.Agent == "alice" && r.Target == $"network:127.0.0.1:{p1}"));
    }

    [Test(TimeoutSeconds = 60)]
    public async Task ARefusedPortIsNeverConnectedAndIsEventedAndAudited()
    {
        await using var fixture = new ProxyFixture(false, (p1, _) => Grant("alice", $"127.0.0.1:{p1}"));
        var session = await fixture.Manager.CreateAsync("alice");
        int proxy = ProxyFixture.ProxyPort(session);

        var connect = await ProxyFixture.SendAsync(proxy, $"CONNECT 127.0.0.1:{fixture.P2} HTTP/1.1\r\nHost: 127.0.0.1:{fixture.P1.Port}\r\n\r\n");
        var plain = await ProxyFixture.SendAsync(proxy, $"GET http://127.0.0.1:{fixture.P2}/ HTTP/1.1\r\nHost: 127.0.0.1:{fixture.P1.Port}\r\n\r\n");

        Assert.Equal(403, ProxyFixture.Status(connect));
        Assert.Equal(403, ProxyFixture.Status(plain));
        Assert.Contains($"127.0.0.1:{fixture.P2} is not in the agent's network grant", connect);
        Assert.Equal(0, fixture.P2Connections);
        Assert.Equal(0, fixture.P1.Requests.Count);
        var refused = await fixture.EventAsync(e => e.Stage == NetworkStage.Refused && e.Method == "CONNECT");
        Assert.Equal(fixture.P2, refused.Port);
        Assert.Equal("127.0.0.1", refused.Host);
        Assert.Equal(session.Id, refused.Session);
        var denials = fixture.Audit.ReadAll().Where(r => r.Decision == AuditDecision.Denied && r.Target == $"network:127.0.0.1:{fixture.P2}").ToList();
        Assert.Equal(2, denials.Count);
        Assert.True(denials.All(d => d.Agent == "alice" && d.Reason == DenialReason.NotGranted && d.Message!.Contains(session.Id, StringComparison.Ordinal)));
    }

    [Test(TimeoutSeconds = 60)]
    public async Task ANameThatResolvesToARefusedAddressIsRefusedWhateverTheNameGrant()
    {
        await using var fixture = new ProxyFixture(false, (p1, _) => new()
        {
            ["byname"] = [$"localhost:{p1}", $"rebound.test:{p1}"],
            ["byaddress"] = [$"svc.test:{p1}", $"mixed.test:{p1}", $"127.0.0.1:{p1}"],
        });
        var resolved = new Dictionary<string, IPAddress[]>
        {
            ["rebound.test"] = [IPAddress.Loopback],
            ["svc.test"] = [IPAddress.Loopback],
            ["mixed.test"] = [IPAddress.Loopback, IPAddress.Parse("10.9.9.9")],
        };
        fixture.Manager.Resolve = (host, ct) => resolved.TryGetValue(host, out var a) ? Task.FromResult(a) : Dns.GetHostAddressesAsync(host, ct);
        int p1 = fixture.P1.Port;
        var byName = ProxyFixture.ProxyPort(await fixture.Manager.CreateAsync("byname"));
        var byAddress = ProxyFixture.ProxyPort(await fixture.Manager.CreateAsync("byaddress"));

        var localhost = await ProxyFixture.SendAsync(byName, $"CONNECT localhost:{p1} HTTP/1.1\r\n\r\n");
        var rebound = await ProxyFixture.SendAsync(byName, $"GET http://rebound.test:{p1}/ HTTP/1.1\r\n\r\n");
        var svc = await ProxyFixture.SendAsync(byAddress, $"GET http://svc.test:{p1}/svc HTTP/1.1\r\n\r\n");
        var mixed = await ProxyFixture.SendAsync(byAddress, $"GET http://mixed.test:{p1}/ HTTP/1.1\r\n\r\n");

        Assert.Equal(403, ProxyFixture.Status(localhost));
        Assert.Contains("an internal address the grant does not name", localhost);
        Assert.Equal(403, ProxyFixture.Status(rebound));
        Assert.Contains("rebound.test resolves to 127.0.0.1", rebound);
        Assert.Contains("hello from P1 /svc", svc);
        Assert.Equal($"svc.test:{p1}", fixture.P1.Requests.Single().Header("Host"));
        Assert.Equal(403, ProxyFixture.Status(mixed));
        Assert.Contains("10.9.9.9", mixed);
        var refusal = await fixture.EventAsync(e => e.Stage == NetworkStage.Refused && e.Host == "mixed.test");
        Assert.Equal("10.9.9.9", refusal.Address);
    }

    [Test(TimeoutSeconds = 60)]
    public async Task TheKernelsOwnEndpointIsRefusedEvenUnderAWildcardGrant()
    {
        await using var fixture = new ProxyFixture(false, (_, _) => Grant("alice", "127.0.0.1:*"));
        fixture.Manager.KernelEndpoints.Add(new IPEndPoint(IPAddress.Any, fixture.P2));
        int proxy = ProxyFixture.ProxyPort(await fixture.Manager.CreateAsync("alice"));

        var kernel = await ProxyFixture.SendAsync(proxy, $"CONNECT 127.0.0.1:{fixture.P2} HTTP/1.1\r\n\r\n");
        var control = await ProxyFixture.SendAsync(proxy, $"GET http://127.0.0.1:{fixture.P1.Port}/control HTTP/1.1\r\n\r\n");

        Assert.Equal(403, ProxyFixture.Status(kernel));
        Assert.Contains("the kernel's own endpoints", kernel);
        Assert.Equal(0, fixture.P2Connections);
        Assert.Contains("hello from P1 /control", control);
    }

    [Test(TimeoutSeconds = 60)]
    public async Task RequestsThatNameNoSingleDestinationAreRefused()
    {
        await using var fixture = new ProxyFixture(false, (p1, _) => Grant("alice", $"127.0.0.1:{p1}"));
        int proxy = ProxyFixture.ProxyPort(await fixture.Manager.CreateAsync("alice"));
        int p1 = fixture.P1.Port;

        foreach (var (request, why) in new[]
        {
            ($"GET / HTTP/1.1\r\nHost: 127.0.0.1:{p1}\r\n\r\n", "absolute http:// URL"),
            ($"GET https://127.0.0.1:{p1}/ HTTP/1.1\r\n\r\n", "goes through CONNECT"),
            ($"GET http://127.0.0.1:{p1}/ HTTP/1.1\r\nX: a\nHost: 127.0.0.1:{fixture.P2}\r\n\r\n", "bare CR or LF"),
            ($"GET http://127.0.0.1:{p1}/ HTTP/1.1\r\nX: a\r\n Host: 127.0.0.1:{fixture.P2}\r\n\r\n", "folded header"),
            ($"CONNECT user@127.0.0.1:{p1} HTTP/1.1\r\n\r\n", "CONNECT needs host:port"),
            ("NOT A REQUEST\r\n\r\n", "request line"),
        })
        {
            var response = await ProxyFixture.SendAsync(proxy, request);
            Assert.Equal(400, ProxyFixture.Status(response), request);
            Assert.Contains(why, response);
        }
        Assert.Equal(0, fixture.P1.Requests.Count);
        Assert.Equal(0, fixture.P2Connections);
    }

    [Test(TimeoutSeconds = 60)]
    public async Task TheConnectionLimitRefusesOneMoreUntilOneCloses()
    {
        await using var fixture = new ProxyFixture(false, (p1, _) => Grant("alice", $"127.0.0.1:{p1}"), o => o.MaxConnections = 1);
        var session = await fixture.Manager.CreateAsync("alice");
        int proxy = ProxyFixture.ProxyPort(session);

        using (var held = new TcpClient())
        {
            await held.ConnectAsync(IPAddress.Loopback, proxy);
            await held.GetStream().WriteAsync(Encoding.ASCII.GetBytes($"CONNECT 127.0.0.1:{fixture.P1.Port} HTTP/1.1\r\n\r\n"));
            var established = new byte[39];
            await held.GetStream().ReadExactlyAsync(established);
            Assert.Equal("HTTP/1.1 200 Connection Established\r\n\r\n", Encoding.ASCII.GetString(established));

            var second = await ProxyFixture.SendAsync(proxy, $"GET http://127.0.0.1:{fixture.P1.Port}/second HTTP/1.1\r\n\r\n");

            Assert.Equal(429, ProxyFixture.Status(second));
            Assert.Contains("max_connections", second);
        }
        await fixture.EventAsync(e => e.Stage == NetworkStage.Closed && e.Method == "CONNECT");
        var limit = await fixture.EventAsync(e => e.Stage == NetworkStage.LimitHit);
        Assert.Equal("max_connections 1", limit.Reason);
        Assert.True(fixture.Audit.ReadAll().Any(r => r.Decision == AuditDecision.Denied && r.Reason == DenialReason.BudgetExceeded && r.Agent == "alice"));
        var third = await ProxyFixture.SendAsync(proxy, $"GET http://127.0.0.1:{fixture.P1.Port}/third HTTP/1.1\r\n\r\n");
        Assert.Contains("hello from P1 /third", third);
    }

    [Test(TimeoutSeconds = 60)]
    public async Task TheByteAllowanceCutsTheConnectionThatCrossesItAndRefusesLaterOnes()
    {
        var big = new string('x', 64 * 1024);
        await using var fixture = new ProxyFixture(false, (p1, _) => Grant("alice", $"127.0.0.1:{p1}"), o => o.MaxBytes = 8192,
            (request, exchange) => exchange.RespondAsync(200, big, "text/plain"));
        int proxy = ProxyFixture.ProxyPort(await fixture.Manager.CreateAsync("alice"));

        var cut = await ProxyFixture.SendAsync(proxy, $"GET http://127.0.0.1:{fixture.P1.Port}/big HTTP/1.1\r\n\r\n");
        var later = await ProxyFixture.SendAsync(proxy, $"GET http://127.0.0.1:{fixture.P1.Port}/later HTTP/1.1\r\n\r\n");

        Assert.Contains("HTTP/1.1 200", cut);
        Assert.True(cut.Length <= 8192, $"{cut.Length} bytes came through an 8192-byte allowance");
        var limit = await fixture.EventAsync(e => e.Stage == NetworkStage.LimitHit);
        Assert.Equal("max_bytes 8192", limit.Reason);
        Assert.Equal(429, ProxyFixture.Status(later));
        Assert.Contains("max_bytes", later);
        Assert.Equal(1, fixture.P1.Requests.Count);
    }

    [Test(TimeoutSeconds = 60)]
    public async Task ASessionWithoutANetworkGrantHasNoProxy()
    {
        await using var fixture = new ProxyFixture(false, (p1, _) => Grant("alice", $"127.0.0.1:{p1}"));
        var session = await fixture.Manager.CreateAsync("bob");

        var env = await fixture.Manager.RunAsync("bob", session.Id, "env | grep -i _proxy || echo none");

        Assert.Null(session.ProxyUrl);
        Assert.Equal("none\n", env.Stdout);
    }
}
