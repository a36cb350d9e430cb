using System.Globalization;
using System.Security.Cryptography;
using AgentOS.Access;
using AgentOS.Hosting.Http;
using AgentOS.Kernel;
using AgentOS.Llm;
using AgentOS.Sdk;
using AgentOS.Tools;

namespace AgentOS.Hosting.Demo;

/// <summary>
/// <c>demo --serve</c>: the demo workload on a real-time kernel served with the dashboard, so a newcomer can watch the
/// scheduler work. Waves of demo agents arrive one after another until it is stopped; between waves a <c>janitor</c>
/// agent asks to delete a file, an irreversible request that waits in the Approvals view for a click.
/// </summary>
internal sealed class DemoServe : IAsyncDisposable
{
    private readonly TempDirectoryOwner _data;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _waves;
    private DemoStats _stats = new();
    private Task _janitor = Task.CompletedTask;

    private DemoServe(TempDirectoryOwner data, AgentKernel kernel, KernelHttpServer server, string token, IReadOnlyList<DemoRequest> work, TimeSpan pause)
    {
        _data = data;
        Kernel = kernel;
        Server = server;
        Token = token;
        var start = kernel.Time.GetUtcNow();
        foreach (var request in work)
        {
            string name = "agent-" + request.Index.ToString("D5", CultureInfo.InvariantCulture);
            kernel.RegisterAgent(name, () => new DemoAgent(request, _stats, kernel.Time, start), description: $"demo agent: {request.AnswerTokens} answer tokens, priority {request.Priority}");
        }
        kernel.RegisterAgent("janitor", () => new JanitorAgent(), description: "writes a scratch file and asks to delete it (an approval)");
        kernel.RegisterAgent("echo", () => new EchoAgent(), description: "answers its input through the LLM");
        _waves = RunWavesAsync(work, pause, _stop.Token);
    }

    /// <summary>The kernel.</summary>
    public AgentKernel Kernel { get; }

    /// <summary>The server: the dashboard at its <see cref="KernelHttpServer.Url"/>.</summary>
    public KernelHttpServer Server { get; }

    /// <summary>The admin token to log in with.</summary>
    public string Token { get; }

    /// <summary>Waves completed so far.</summary>
    public int Waves { get; private set; }

    /// <summary>Starts the kernel and its server on <paramref name="port"/> (0: any free one) and the first wave.</summary>
    /// <param name="backend">The LLM backend (the embedded engine, or the simulator on the system clock).</param>
    /// <param name="work">One wave of agents.</param>
    /// <param name="port">The port on 127.0.0.1.</param>
    /// <param name="pause">The rest between waves.</param>
    /// <param name="token">The admin token; a fresh random one when <see langword="null"/>.</param>
    public static DemoServe Start(ILlmBackend backend, IReadOnlyList<DemoRequest> work, int port, TimeSpan pause, string? token = null)
    {
        var data = new TempDirectoryOwner(Directory.CreateTempSubdirectory("agentos-demo-serve-").FullName);
        var kernel = AgentKernel.Start(new KernelOptions
        {
            DataDirectory = data.Path,
            LlmBackends = [backend],
            Tools = new ToolRegistry().AddBuiltIns(),
            Approver = new ManualApprover(),
            // Generous budgets, so the Agents view has calls and tokens to show against them.
            Access = AccessPolicy.CreateBuilder()
                .AddGroup(AgentKernel.DefaultGroup, g => g.AllowTools(PrivilegeGroup.Everything).UseLlm(PrivilegeGroup.Everything).LimitCalls(10_000).LimitTokens(1_000_000))
                .Build(),
            ExpireAtDeadline = false,
        });
        token ??= Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        var server = KernelHttpServer.Start(kernel, new HttpServerOptions { Port = port, BearerToken = token });
        return new DemoServe(data, kernel, server, token, work, pause);
    }

    /// <summary>Waits until it is stopped (or a wave fails to start).</summary>
    public Task Running => _waves;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _waves.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        Server.StopAccepting();
        await Kernel.StopAsync(drain: false).ConfigureAwait(false);
        await Server.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
        _data.Dispose();
    }

    private async Task RunWavesAsync(IReadOnlyList<DemoRequest> work, TimeSpan pause, CancellationToken stop)
    {
        await Task.Yield();
        while (!stop.IsCancellationRequested)
        {
            _stats = new DemoStats();
            var start = Kernel.Time.GetUtcNow();
            // One delete waits for approval at a time; a wave does not wait for it (nobody may be watching).
            if (_janitor.IsCompleted)
            {
                _janitor = RunQuietly("janitor", stop);
            }
            var runs = new List<Task>(work.Count);
            foreach (var request in work)
            {
                var wait = start + request.Arrival - Kernel.Time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, Kernel.Time, stop).ConfigureAwait(false);
                }
                runs.Add(RunQuietly("agent-" + request.Index.ToString("D5", CultureInfo.InvariantCulture), stop));
            }
            await Task.WhenAll(runs).ConfigureAwait(false);
            Waves++;
            await Task.Delay(pause, Kernel.Time, stop).ConfigureAwait(false);
        }
    }

    // An agent's failure (a denied delete, a stop from the dashboard) is the dashboard's to show, not the demo's end.
    private async Task RunQuietly(string agent, CancellationToken stop)
    {
        try
        {
            await Kernel.RunAgentAsync(agent, "", stop).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
        }
    }

    /// <summary>Writes a scratch file, then asks to delete it: the delete waits for an approver.</summary>
    private sealed class JanitorAgent : Agent
    {
        public override async Task<string> RunAsync(AgentContext context, string input, CancellationToken cancellationToken = default)
        {
            string path = context.Storage.Own("scratch.txt");
            await context.Storage.WriteTextAsync(path, "temporary notes", cancellationToken: cancellationToken).ConfigureAwait(false);
            await context.Storage.DeleteAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
            return "scratch file deleted";
        }
    }

    // The demo's data folder, deleted when the demo ends.
    private sealed class TempDirectoryOwner(string path) : IDisposable
    {
        public string Path { get; } = path;

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
                // Something still holds a file; the system's temp cleanup takes the rest.
            }
        }
    }
}
