using System.Net;
using System.Text.Json;
using AgentOS.Access;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Hosting.Dashboard;

/// <summary>
/// Issue 23's auth over plain HTTP: without a login `/` is the login page and no endpoint gives data; the login
/// exchanges a token that authenticates for an HttpOnly, SameSite=Strict cookie that works wherever the token does
/// (the event stream included); an action made with the cookie needs this server's Origin and the session's CSRF
/// token, and a refused one changes nothing.
/// </summary>
public sealed class DashboardAuthTests
{
    [Test(TimeoutSeconds = 60)]
    public async Task WithoutALoginThePageIsTheLoginPageAndNoEndpointGivesData()
    {
        await using var server = DashboardServer.Start();
        using var anonymous = server.Anonymous();
        using (var page = await anonymous.GetAsync(""))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            string html = await page.Content.ReadAsStringAsync();
            Assert.Contains("id=\"login-form\"", html);
            Assert.DoesNotContain("app.js", html);
            Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());
        }
        foreach (var path in new[] { "dashboard/session", "v1/queues", "v1/agents/activity", "v1/llm/backends", "v1/status", "v1/approvals", "v1/events" })
        {
            using var response = await anonymous.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode, path);
        }
        // A made-up cookie is no login either.
        using var forged = DashboardServer.PageRequest(HttpMethod.Get, "v1/status", "agentos_session=not-a-session");
        using (var response = await anonymous.SendAsync(forged))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        // The static files hold no data and load without a login (the login page needs its script).
        using (var script = await anonymous.GetAsync("dashboard/assets/login.js"))
        {
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
            Assert.Equal("text/javascript", script.Content.Headers.ContentType!.MediaType);
        }
        using (var missing = await anonymous.GetAsync("dashboard/assets/secret.txt"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }
    }

    [Test(TimeoutSeconds = 60)]
    public async Task ALoginExchangesATokenForAnHttpOnlyStrictCookieThatWorksWhereTheTokenDoes()
    {
        await using var server = DashboardServer.Start();
        using var client = server.Anonymous();

        // A wrong token gets no cookie; nor does a login from another site's page.
        using (var wrong = new HttpRequestMessage(HttpMethod.Post, "dashboard/login") { Content = DashboardServer.Json("""{"token":"guess"}""") })
        {
            wrong.Headers.Add("Origin", server.Origin);
            using var response = await client.SendAsync(wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.False(response.Headers.Contains("Set-Cookie"));
        }
        using (var crossSite = new HttpRequestMessage(HttpMethod.Post, "dashboard/login") { Content = DashboardServer.Json($$"""{"token":"{{DashboardServer.AdminToken}}"}""") })
        {
            crossSite.Headers.Add("Origin", "http://evil.example");
            using var response = await client.SendAsync(crossSite);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.False(response.Headers.Contains("Set-Cookie"));
        }

        using (var login = new HttpRequestMessage(HttpMethod.Post, "dashboard/login") { Content = DashboardServer.Json($$"""{"token":"{{DashboardServer.AdminToken}}"}""") })
        {
            login.Headers.Add("Origin", server.Origin);
            using var response = await client.SendAsync(login);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            string cookie = response.Headers.GetValues("Set-Cookie").Single();
            Assert.Contains("HttpOnly", cookie);
            Assert.Contains("SameSite=Strict", cookie);
            Assert.Contains("Path=/", cookie);
            Assert.DoesNotContain(DashboardServer.AdminToken, cookie); // the cookie names a session, not the token
            string body = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain(DashboardServer.AdminToken, body);
        }

        var (session, csrf) = await server.LoginAsync();
        using (var page = await client.SendAsync(DashboardServer.PageRequest(HttpMethod.Get, "", session)))
        {
            Assert.Contains("app.js", await page.Content.ReadAsStringAsync());
        }
        using (var status = await client.SendAsync(DashboardServer.PageRequest(HttpMethod.Get, "v1/status", session)))
        {
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
            using var json = JsonDocument.Parse(await status.Content.ReadAsStringAsync());
            Assert.Equal(Principal.AdminName, json.RootElement.GetProperty("caller").GetString());
        }
        using (var me = await client.SendAsync(DashboardServer.PageRequest(HttpMethod.Get, "dashboard/session", session)))
        {
            using var json = JsonDocument.Parse(await me.Content.ReadAsStringAsync());
            Assert.Equal(csrf, json.RootElement.GetProperty("csrf").GetString());
            Assert.True(json.RootElement.GetProperty("admin").GetBoolean());
        }
        // The event stream, which a browser opens without headers, takes the cookie.
        using (var events = await client.SendAsync(DashboardServer.PageRequest(HttpMethod.Get, "v1/events", session), HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, events.StatusCode);
            using var reader = new StreamReader(await events.Content.ReadAsStreamAsync());
            Assert.Equal(": agentos event stream", await reader.ReadLineAsync());
        }

        // An agent's key logs in as that agent, with that agent's view.
        var (aliceSession, _) = await server.LoginAsync(DashboardServer.AliceKey);
        using (var activity = await client.SendAsync(DashboardServer.PageRequest(HttpMethod.Get, "v1/agents/activity", aliceSession)))
        {
            using var json = JsonDocument.Parse(await activity.Content.ReadAsStringAsync());
            Assert.Equal(0, json.RootElement.GetArrayLength()); // alice may see neither echo nor waiter
        }

        // Logging out ends the session: the cookie no longer authenticates anything.
        using (var logout = await client.SendAsync(DashboardServer.PageRequest(HttpMethod.Post, "dashboard/logout", session, server.Origin, csrf)))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
            Assert.Contains("Max-Age=0", logout.Headers.GetValues("Set-Cookie").Single());
        }
        using (var after = await client.SendAsync(DashboardServer.PageRequest(HttpMethod.Get, "v1/status", session)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        }
        using (var page = await client.SendAsync(DashboardServer.PageRequest(HttpMethod.Get, "", session)))
        {
            Assert.Contains("login-form", await page.Content.ReadAsStringAsync());
        }
    }

    [Test(TimeoutSeconds = 60)]
    public async Task AnActionWithTheCookieNeedsThisOriginAndTheCsrfTokenAndARefusalChangesNothing()
    {
        await using var server = DashboardServer.Start();
        using var client = server.Anonymous();
        var (session, csrf) = await server.LoginAsync();
        const string Body = """{"policy":"fifo"}""";
        string before = server.Kernel.QueueStatistics("memory").Policy;
        Assert.NotEqual("fifo", before);

        var refused = new (string? Origin, string? Csrf, string Why)[]
        {
            (server.Origin, null, "no CSRF header"),
            (server.Origin, "wrong-token", "a wrong CSRF token"),
            (null, csrf, "no Origin"),
            ("http://evil.example", csrf, "another site's Origin"),
        };
        foreach (var (origin, token, why) in refused)
        {
            using var request = DashboardServer.PageRequest(HttpMethod.Put, "v1/queues/memory/policy", session, origin, token, Body);
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode, why);
            Assert.Equal(before, server.Kernel.QueueStatistics("memory").Policy, why);
        }
        // Nor may another site start an agent or decide an approval with the cookie.
        using (var run = await client.SendAsync(DashboardServer.PageRequest(HttpMethod.Post, "v1/agents/echo/run", session, "http://evil.example", csrf, """{"input":"x"}""")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, run.StatusCode);
            Assert.Equal(0L, server.Kernel.Status.Agents.Single(a => a.Name == "echo").Completed);
        }

        using (var accepted = await client.SendAsync(DashboardServer.PageRequest(HttpMethod.Put, "v1/queues/memory/policy", session, server.Origin, csrf, Body)))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode, await accepted.Content.ReadAsStringAsync());
        }
        await WaitForPolicyAsync(server, "memory", "fifo");
        // A client with the bearer token sends no cookie, so it needs neither (a browser cannot be made to send it).
        using var admin = server.Bearer(DashboardServer.AdminToken);
        using (var accepted = await admin.PutAsync("v1/queues/memory/policy", DashboardServer.Json("""{"policy":"sjf"}""")))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }
        await WaitForPolicyAsync(server, "memory", "sjf");
    }

    internal static async Task WaitForPolicyAsync(DashboardServer server, string queue, string policy)
    {
        // The swap is a control request the queue's dispatcher takes on its next pass.
        for (int i = 0; i < 500 && server.Kernel.QueueStatistics(queue).Policy != policy; i++)
        {
            await Task.Delay(10);
        }
        Assert.Equal(policy, server.Kernel.QueueStatistics(queue).Policy);
    }
}
