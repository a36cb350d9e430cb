using System.Net;
using System.Text;
using System.Text.Json;
using AgentOS.Access;
using AgentOS.Hosting.Http;
using AgentOS.Kernel;
using AgentOS.Llm;
using AgentOS.Sdk;
using AgentOS.Tools;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Hosting.Dashboard;

/// <summary>
/// A kernel served with the dashboard for the tests: an admin token, and an API key for agent <c>alice</c> (who may
/// act only for herself); deletes wait for a human through a <see cref="ManualApprover"/>; agents <c>echo</c> and
/// <c>waiter</c> (which waits until it is stopped) are registered.
/// </summary>
internal sealed class DashboardServer : IAsyncDisposable
{
    public const string AdminToken = "dash-admin-token";
    public const string AliceKey = "sk-alice";

    /// <summary>Agent <c>bob</c>'s key: neither alice nor a monitor (he sees none of her sessions).</summary>
    public const string BobKey = "sk-bob";

    private readonly TempDirectory _data;

    private DashboardServer(TempDirectory data, AgentKernel kernel, KernelHttpServer server)
    {
        _data = data;
        Kernel = kernel;
        Server = server;
    }

    public AgentKernel Kernel { get; }

    public KernelHttpServer Server { get; }

    public Uri Url => Server.Url;

    /// <summary>The Origin a page served by this server sends.</summary>
    public string Origin => Url.GetLeftPart(UriPartial.Authority);

    public static DashboardServer Start(Func<KernelOptions, KernelOptions>? configure = null, IReadOnlyList<ILlmBackend>? backends = null)
    {
        var policy = AccessPolicy.CreateBuilder()
            .AddGroup("agents", g => g.UseLlm("echo").AllowTools("math.add"))
            .AddAgent("alice", "agents")
            .Build();
        var data = new TempDirectory("agentos-dashboard");
        var options = new KernelOptions { DataDirectory = data.Path, Access = policy, Approver = new ManualApprover(), LlmBackends = backends ?? [new EchoLlmBackend()] };
        options.Tools.AddBuiltIns();
        options = configure?.Invoke(options) ?? options;
        var kernel = AgentKernel.Start(options);
        kernel.RegisterAgent("echo", () => new EchoAgent(), groups: ["agents"], description: "echoes its input through the LLM");
        kernel.RegisterAgent("waiter", () => new WaiterAgent(), groups: ["agents"], description: "waits until it is stopped");
        var server = KernelHttpServer.Start(kernel, new HttpServerOptions
        {
            BearerToken = AdminToken,
            ApiKeys = new Dictionary<string, string> { [AliceKey] = "alice", [BobKey] = "bob" },
        });
        return new DashboardServer(data, kernel, server);
    }

    /// <summary>A client that sends no credentials of its own and keeps no cookies (the tests set headers by hand).</summary>
    public HttpClient Anonymous() => new(new HttpClientHandler { UseCookies = false }) { BaseAddress = Url };

    public HttpClient Bearer(string token)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }

    /// <summary>Logs in as the page does and returns the cookie header value and the CSRF token.</summary>
    public async Task<(string Cookie, string Csrf)> LoginAsync(string token = AdminToken)
    {
        using var client = Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Post, "dashboard/login") { Content = Json($$"""{"token":"{{token}}"}""") };
        request.Headers.Add("Origin", Origin);
        using var response = await client.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"login answered {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        string setCookie = response.Headers.GetValues("Set-Cookie").Single();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (setCookie.Split(';')[0], body.RootElement.GetProperty("csrf").GetString()!);
    }

    /// <summary>A request made as the dashboard's page makes it: with the cookie, and (if given) Origin and CSRF.</summary>
    public static HttpRequestMessage PageRequest(HttpMethod method, string path, string cookie, string? origin = null, string? csrf = null, string? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Cookie", cookie);
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }
        if (csrf is not null)
        {
            request.Headers.Add("X-AgentOS-CSRF", csrf);
        }
        if (json is not null)
        {
            request.Content = Json(json);
        }
        return request;
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Kernel.DisposeAsync();
        _data.Dispose();
    }

    /// <summary>Waits until its run is cancelled: only a stop ends it.</summary>
    private sealed class WaiterAgent : Agent
    {
        public override async Task<string> RunAsync(AgentContext context, string input, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            return "never";
        }
    }
}
