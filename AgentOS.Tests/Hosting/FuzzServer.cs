using System.Net.Http.Headers;
using System.Text;
using AgentOS.Access;
using AgentOS.Hosting.Http;
using AgentOS.Kernel;
using AgentOS.Llm;
using AgentOS.Sdk;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Helpers;
using AgentOS.Tools;

namespace AgentOS.Tests.Hosting;

/// <summary>
/// An in-process kernel behind a <see cref="KernelHttpServer"/> for tests that hammer the HTTP API, and a fingerprint
/// of everything a request could change: storage (every path and version), memory (each agent's item count and each
/// known item), and the audit of allowed operations (flushed, then counted). All server setup lives here, so
/// credentials (or another server) change in one place.
/// </summary>
internal sealed class FuzzServer : IAsyncDisposable
{
    public const string Agent = "alice";
    public const string ApiKey = "sk-fuzz";

    private readonly TempDirectory _data;

    private FuzzServer(TempDirectory data, AgentKernel kernel, KernelHttpServer server)
    {
        _data = data;
        Kernel = kernel;
        Server = server;
        Http = new HttpClient { BaseAddress = server.Url, Timeout = Timeout.InfiniteTimeSpan };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
    }

    public AgentKernel Kernel { get; }

    public KernelHttpServer Server { get; }

    /// <summary>A client that carries the credentials every endpoint needs.</summary>
    public HttpClient Http { get; }

    /// <summary>Memory items the fingerprint reads back (ids of alice's items).</summary>
    public List<string> MemoryIds { get; } = [];

    /// <summary>Starts the kernel: alice may use the echo backend, the built-in tools and her own storage and memory;
    /// she may run the echo and broken agents and decide approvals; deletes wait for a human through
    /// <see cref="ManualApprover"/> and are denied after a short timeout.</summary>
    public static async Task<FuzzServer> StartAsync(Action<KernelOptions>? configure = null)
    {
        var policy = AccessPolicy.CreateBuilder()
            .AddGroup("fuzzed", g => g.UseLlm("echo").AllowTools("math.add", "math.multiply", "clock.now"))
            // alice also runs the test's agents and decides approvals, so those endpoints are fuzzed past authorization.
            .AddGroup("operator", g => g.ActFor("echo", "broken").MayApprove())
            .AddAgent(Agent, "fuzzed", "operator")
            .WithApprovalTimeout(TimeSpan.FromMilliseconds(20))
            .Build();
        var data = new TempDirectory("agentos-fuzz");
        var options = new KernelOptions { DataDirectory = data.Path, Access = policy, Approver = new ManualApprover(), LlmBackends = [new EchoLlmBackend()] };
        options.Tools.AddBuiltIns();
        configure?.Invoke(options);
        var kernel = AgentKernel.Start(options);
        kernel.RegisterAgent("echo", () => new EchoAgent(), groups: ["fuzzed"]);
        var server = KernelHttpServer.Start(kernel, new HttpServerOptions { ApiKeys = new Dictionary<string, string> { [ApiKey] = Agent } });
        var fuzz = new FuzzServer(data, kernel, server);
        await fuzz.SeedAsync().ConfigureAwait(false);
        return fuzz;
    }

    // A file with two versions (so rollbacks succeed) and two memory items (so gets, updates and removes do).
    private async Task SeedAsync()
    {
        var context = new AgentContext(Agent, Kernel.Port);
        await context.Storage.WriteTextAsync("agents/alice/notes.txt", "first").ConfigureAwait(false);
        await context.Storage.WriteTextAsync("agents/alice/notes.txt", "second").ConfigureAwait(false);
        MemoryIds.Add(await context.Memory.AddAsync("tea is green", tags: ["drink"]).ConfigureAwait(false));
        MemoryIds.Add(await context.Memory.AddAsync("coffee is black", tags: ["drink"]).ConfigureAwait(false));
    }

    /// <summary>Adds a memory item through the port (to replace one a fuzzed request removed).</summary>
    public async Task<string> AddMemoryAsync(string content)
    {
        var response = await Kernel.Port.SubmitAsync(new SyscallRequest
        {
            AgentId = Agent,
            Memory = new MemoryQuery { Operation = MemoryOperation.Add, Content = content },
        }).ConfigureAwait(false);
        return response.Memory!.Id!;
    }

    /// <summary>Everything a request could have changed, as text to compare.</summary>
    public async Task<string> FingerprintAsync()
    {
        var text = new StringBuilder();
        foreach (var entry in await Kernel.Storage.ListAsync("").ConfigureAwait(false))
        {
            text.Append("storage ").Append(entry.Path).Append(" v").Append(entry.Version).Append(' ').Append(entry.Size).Append('\n');
        }
        text.Append("memory items ").Append(Kernel.Memory.CountItems(Agent)).Append('\n');
        foreach (string id in MemoryIds)
        {
            var item = await Kernel.Memory.FindAsync(Agent, id).ConfigureAwait(false);
            text.Append("memory ").Append(id).Append(' ')
                .Append(item is null ? "(none)" : $"{item.Content}|{string.Join(",", item.Tags)}|{item.Importance}").Append('\n');
        }
        await Kernel.Audit.FlushAsync().ConfigureAwait(false);
        text.Append("audit allowed ").Append(Kernel.Audit.AllowedRecorded + Kernel.Audit.AllowedDropped).Append('\n');
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync().ConfigureAwait(false);
        await Kernel.DisposeAsync().ConfigureAwait(false);
        _data.Dispose();
    }
}
