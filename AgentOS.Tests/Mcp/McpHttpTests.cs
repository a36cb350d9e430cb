using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Tests.Hosting;

namespace AgentOS.Tests.Mcp;

/// <summary>
/// <c>/mcp</c> on <c>serve</c>: 401 without a credential (by default), 403 for a foreign Host (DNS rebinding), a
/// session bound to the principal that opened it, and an agent's key acting only as that agent.
/// </summary>
public sealed class McpHttpTests
{
    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}""";

    [Test(TimeoutSeconds = 120)]
    public async Task McpNeedsACredentialByDefaultAndChecksTheHost()
    {
        using var temp = new TempDirectory("agentos-mcp-http");
        using var serve = await ServeProcess.StartAsync(temp.Path, "--api-key", "key-alice=alice");
        using var anonymous = new HttpClient { BaseAddress = serve.Url };
        using var denied = await anonymous.SendAsync(Post(Initialize));
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        Assert.True(denied.Headers.WwwAuthenticate.Count > 0, "401 names the Bearer scheme");

        using var admin = serve.CreateClient();
        var rebinding = Post(Initialize);
        rebinding.Headers.Host = "evil.example.com";
        using var foreign = await admin.SendAsync(rebinding);
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);

        using var alice = serve.CreateClient("key-alice");
        using var opened = await alice.SendAsync(Post(Initialize));
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        string session = opened.Headers.GetValues("Mcp-Session-Id").Single();
        Assert.Contains("\"protocolVersion\":\"2025-11-25\"", await opened.Content.ReadAsStringAsync());

        var call = Post("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"math.add","arguments":{"a":20,"b":22}}}""");
        call.Headers.Add("Mcp-Session-Id", session);
        using var answered = await alice.SendAsync(call);
        Assert.Contains("\"text\":\"42\"", await answered.Content.ReadAsStringAsync());

        var stolen = Post("""{"jsonrpc":"2.0","id":3,"method":"ping"}""");
        stolen.Headers.Add("Mcp-Session-Id", session);
        using var other = await admin.SendAsync(stolen);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode, "another principal cannot use alice's session");

        using var actFor = await alice.SendAsync(Post(Initialize, "mcp?agent=echo"));
        Assert.Equal(HttpStatusCode.Forbidden, actFor.StatusCode, "alice's key may not open a session acting as echo");
    }

    private static HttpRequestMessage Post(string json, string path = "mcp")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return request;
    }
}
