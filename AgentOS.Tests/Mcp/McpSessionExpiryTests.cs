using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AgentOS.Hosting.Http;
using AgentOS.Kernel;
using AgentOS.Mcp;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Time;

namespace AgentOS.Tests.Mcp;

/// <summary>
/// Streamable HTTP sessions end when idle (<c>mcp.session_idle_timeout</c>), not only on DELETE: a request naming an
/// expired session gets 404, as the spec says, and the client initializes anew. On a manual clock.
/// </summary>
public sealed class McpSessionExpiryTests
{
    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}""";
    private const string Ping = """{"jsonrpc":"2.0","id":2,"method":"ping"}""";

    [Test(TimeoutSeconds = 60)]
    public async Task AnIdleSessionExpiresAndIsThen404()
    {
        using var temp = new TempDirectory("agentos-mcp-expiry");
        var time = new ManualTimeProvider();
        await using var kernel = AgentKernel.Start(new KernelOptions
        {
            DataDirectory = temp.Path,
            TimeProvider = time,
            Mcp = new McpOptions { SessionIdleTimeout = TimeSpan.FromMinutes(10) },
        });
        var server = KernelHttpServer.Start(kernel, new HttpServerOptions { BearerToken = "t" });
        try
        {
            using var http = new HttpClient { BaseAddress = server.Url };
            http.DefaultRequestHeaders.Authorization = new("Bearer", "t");
            string kept = await OpenAsync(http);
            string idle = await OpenAsync(http);

            // Used within the timeout, a session lives on: its idle time counts from its last request.
            time.Advance(TimeSpan.FromMinutes(9));
            Assert.Equal(HttpStatusCode.OK, await PingAsync(http, kept));
            time.Advance(TimeSpan.FromMinutes(2));

            Assert.Equal(HttpStatusCode.NotFound, await PingAsync(http, idle), "11 minutes idle: expired");
            Assert.Equal(HttpStatusCode.OK, await PingAsync(http, kept), "2 minutes idle: alive");
            Assert.Equal(HttpStatusCode.NotFound, await PingAsync(http, idle), "an expired session stays gone");

            // The sweep ends idle sessions nobody names again.
            time.Advance(TimeSpan.FromMinutes(10));
            Assert.Equal(HttpStatusCode.NotFound, await PingAsync(http, kept));
            string fresh = await OpenAsync(http);
            Assert.Equal(HttpStatusCode.OK, await PingAsync(http, fresh), "a new initialize opens a new session");
            Assert.Equal(1, server.McpSessionCount);
            // The sweep runs every quarter of the timeout, so within 12.5 minutes of its last use a session is gone.
            time.Advance(TimeSpan.FromMinutes(13));
            Assert.Equal(0, server.McpSessionCount, "the sweep ended the idle session without anyone naming it");
            Assert.Equal(HttpStatusCode.NotFound, await PingAsync(http, fresh));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Test]
    public void TheTimeoutIsAConfigKeyWithADefault()
    {
        Assert.Equal(TimeSpan.FromMinutes(30), KernelConfig.Parse("{}").ToOptions().Mcp.SessionIdleTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), KernelConfig.Parse("""{"mcp":{"session_idle_timeout":"00:05:00"}}""").ToOptions().Mcp.SessionIdleTimeout);
        var bad = Assert.Throws<KernelConfigException>(() => KernelConfig.Parse("""{"mcp":{"session_idle_timeout":"00:00:00"}}"""));
        Assert.Contains("session_idle_timeout", bad.Message);
    }

    private static async Task<string> OpenAsync(HttpClient http)
    {
        using var opened = await http.SendAsync(Post(Initialize, null));
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        return opened.Headers.GetValues("Mcp-Session-Id").Single();
    }

    private static async Task<HttpStatusCode> PingAsync(HttpClient http, string session)
    {
        using var answer = await http.SendAsync(Post(Ping, session));
        return answer.StatusCode;
    }

    private static HttpRequestMessage Post(string json, string? session)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "mcp") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (session is not null)
        {
            request.Headers.Add("Mcp-Session-Id", session);
        }
        return request;
    }
}
