using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using AgentOS.Hosting.Http;
using AgentOS.Kernel;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Hosting;

/// <summary>
/// A kernel and its HTTP server under steady read-only load (status, storage reads, memory searches, echo LLM calls)
/// in equal phases. After each phase, a full blocking GC, then the live heap, thread count and open file descriptors
/// are sampled; none may grow by more than 10% from one phase to the next (after a warm-up phase). Bounded (about two
/// minutes) by default, an hour under --stress.
/// </summary>
public sealed class SoakTests
{
    private const double AllowedGrowth = 0.10;
    private const int PoolJitter = 8; // threads the pool may add between phases on its own (see AssertNoGrowthOver)

    [Test(TimeoutSeconds = 4200)]
    public async Task ReadOnlyLoadInEqualPhasesGrowsNoHeapThreadsOrFiles()
    {
        var phase = TestEnvironment.Stress ? TimeSpan.FromMinutes(5) : TimeSpan.FromSeconds(20);
        var samples = await SoakAsync(phase, TestEnvironment.Scale(5, 12), leakPerRequest: 0);
        AssertNoGrowth(samples);
    }

    // The check itself: a leak of 256 bytes per request (the report saw about 64 bytes per request over 1.5M, 96 MB; 256 keeps this check sure on a slow machine) must fail it.
    [Test(TimeoutSeconds = 300)]
    public async Task TheSoakCheckCatchesALeakOf256BytesPerRequest()
    {
        var samples = await SoakAsync(TimeSpan.FromSeconds(8), phases: 3, leakPerRequest: 256);
        var failure = Assert.Throws<AssertException>(() => AssertNoGrowth(samples));
        Assert.Contains("heap after a full GC grew by more than 10%", failure.Message);
    }

    private static async Task<List<Sample>> SoakAsync(TimeSpan phase, int phases, int leakPerRequest)
    {
        const int Clients = 8;
        var leaked = new List<byte[]>();
        const string Token = "soak-admin";
        HttpClient Client(Uri url) => new(new LeakingHandler(leaked, leakPerRequest) { InnerHandler = new SocketsHttpHandler() })
        {
            BaseAddress = url,
            DefaultRequestHeaders = { Authorization = new("Bearer", Token) },
        };

        using var temp = new TempDirectory("agentos-soak");
        var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = temp.Path });
        for (int c = 0; c < Clients; c++)
        {
            kernel.RegisterIdentity($"soak{c}");
        }
        var server = KernelHttpServer.Start(kernel, new HttpServerOptions { BearerToken = Token });
        try
        {
            using var http = Client(server.Url);
            for (int c = 0; c < Clients; c++)
            {
                await SendAsync(http, $$$"""{"agent_id": "soak{{{c}}}", "storage": {"operation": "Write", "path": "agents/soak{{{c}}}/notes.txt", "data": "{{{Convert.ToBase64String(Encoding.UTF8.GetBytes(new string('x', 2000)))}}}"}}""");
                for (int m = 0; m < 20; m++)
                {
                    await SendAsync(http, $$$"""{"agent_id": "soak{{{c}}}", "memory": {"operation": "Add", "content": "invoice {{{m}}} for client {{{c}}} totals {{{m * 37}}} EUR", "tags": ["billing"]}}""");
                }
            }

            var samples = new List<Sample>();
            for (int p = 0; p <= phases; p++)
            {
                var until = DateTime.UtcNow + phase; // equal phases: the same clients for the same time
                // Most clients keep their connections; one connects afresh for every round, as curl and many
                // short-lived agents do, so per-connection state is exercised too.
                var counts = await Task.WhenAll(Enumerable.Range(0, Clients).Select(c => Task.Run(() => c == 0
                    ? FreshConnectionsAsync(() => Client(server.Url), c, until)
                    : LoadAsync(http, c, until))));
                var sample = Sample.Take(p, counts.Sum());
                samples.Add(sample);
                Console.WriteLine(sample);
                if (Environment.GetEnvironmentVariable("AGENTOS_SOAK_LOG") is { Length: > 0 } log)
                {
                    await File.AppendAllTextAsync(log, sample + "\n");
                }
            }
            GC.KeepAlive(leaked);
            return samples;
        }
        finally
        {
            await server.DisposeAsync();
            await kernel.DisposeAsync();
        }
    }

    // Phase 0 is the warm-up: caches, pools, the JIT and the thread pool settle there.
    private static void AssertNoGrowth(List<Sample> samples)
    {
        for (int p = 2; p < samples.Count; p++)
        {
            samples[p].AssertNoGrowthOver(samples[p - 1], samples);
        }
    }

    private static async Task<int> LoadAsync(HttpClient http, int client, DateTime until)
    {
        int rounds = 0;
        while (DateTime.UtcNow < until)
        {
            await RoundAsync(http, $"soak{client}", rounds++);
        }
        return rounds * 4;
    }

    private static async Task<int> FreshConnectionsAsync(Func<HttpClient> connect, int client, DateTime until)
    {
        int rounds = 0;
        while (DateTime.UtcNow < until)
        {
            using var http = connect();
            http.DefaultRequestHeaders.ConnectionClose = true;
            await RoundAsync(http, $"soak{client}", rounds++);
        }
        return rounds * 4;
    }

    // One of each read-only request: status, a storage read, a memory search, an echo LLM call.
    private static async Task RoundAsync(HttpClient http, string agent, int round)
    {
        using (var status = await http.GetAsync("v1/status"))
        {
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        }
        await SendAsync(http, $$$"""{"agent_id": "{{{agent}}}", "storage": {"operation": "Read", "path": "agents/{{{agent}}}/notes.txt"}}""");
        await SendAsync(http, $$$"""{"agent_id": "{{{agent}}}", "memory": {"operation": "Search", "text": "invoice totals {{{round % 20}}}", "limit": 5}}""");
        await SendAsync(http, $$$"""{"agent_id": "{{{agent}}}", "llm": {"messages": [{"role": "user", "content": "soak {{{round % 50}}}"}], "max_tokens": 16}}""");
    }

    private static async Task SendAsync(HttpClient http, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("v1/syscalls", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    // Keeps a few bytes per request alive: the leak the soak check must catch.
    private sealed class LeakingHandler(List<byte[]> leaked, int bytes) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (bytes > 0)
            {
                lock (leaked)
                {
                    leaked.Add(new byte[bytes - 24]); // with the array's own header, about `bytes` per request
                }
            }
            return base.SendAsync(request, cancellationToken);
        }
    }

    // Resident and committed bytes are printed, not checked: the GC keeps memory it committed for allocation bursts
    // (and runs no collection while idle), so they measure its budget, not live objects.
    private sealed record Sample(int Phase, int Requests, long HeapBytes, int Threads, int OpenFiles, long CommittedBytes, long ResidentBytes)
    {
        public static Sample Take(int phase, int requests)
        {
            // Twice, with finalizers in between: objects a finalizer releases are gone before the heap is read.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            using var self = Process.GetCurrentProcess();
            int files = OperatingSystem.IsLinux() ? Directory.GetFiles("/proc/self/fd").Length : self.HandleCount;
            return new Sample(phase, requests, GC.GetTotalMemory(forceFullCollection: true), self.Threads.Count, files, GC.GetGCMemoryInfo().TotalCommittedBytes, self.WorkingSet64);
        }

        public void AssertNoGrowthOver(Sample previous, List<Sample> all)
        {
            Check("heap after a full GC", previous.HeapBytes, HeapBytes);
            // The thread pool adds and retires workers by itself (hill climbing): CI saw 23 -> 27 -> 26 -> 25 -> 23 with
            // nothing leaking. So threads may also move by the pool's own jitter; a leak (a thread per connection or
            // request) adds hundreds per phase and still fails.
            Check("threads", previous.Threads, Threads, jitter: PoolJitter);
            Check("open file descriptors", previous.OpenFiles, OpenFiles);

            void Check(string what, long before, long after, int jitter = 0) =>
                Assert.True(after <= Math.Max(before * (1 + AllowedGrowth), before + jitter),
                    $"{what} grew by more than 10%{(jitter > 0 ? $" and more than {jitter}" : "")} from phase {previous.Phase} to phase {Phase}: {before} -> {after}. Phases:\n{string.Join("\n", all)}");
        }

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"phase {Phase}: {Requests} requests, heap {HeapBytes / 1024.0 / 1024.0:0.00} MiB, {Threads} threads, {OpenFiles} open files (GC committed {CommittedBytes / 1024.0 / 1024.0:0.0} MiB, resident {ResidentBytes / 1024.0 / 1024.0:0.0} MiB)");
    }
}
