using System.Net.Http.Json;
using System.Text.Json;
using AgentOS.Kernel;
using AgentOS.Reactor;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Tests.Hosting;

namespace AgentOS.Tests.Reactor;

/// <summary>
/// The test of durable agents: a real <c>serve</c> child runs a durable agent declared in its config (a
/// tool_steps agent calling a counter over HTTP, a tool that is not idempotent), is SIGKILLed mid-run, and a new
/// <c>serve</c> on the same data folder finishes the run: the same result, and the same counter, as an uninterrupted
/// run on a fresh folder.
/// </summary>
public sealed class DurableSigkillTests
{
    private const int Adds = 5;

    /// <summary>The counter the tools advance, outside every serve process: <c>/add</c> advances it (not idempotent),
    /// <c>/pause</c> (idempotent) stalls at the call numbered <see cref="StallAt"/> so the test can kill between steps.</summary>
    private sealed class Counter : IAsyncDisposable
    {
        private int _value;
        private int _pauses;

        public Counter() => Server = new ScriptedHttpServer(async (request, exchange) =>
        {
            if (request.Path == "/add")
            {
                int value = Interlocked.Increment(ref _value);
                await exchange.RespondAsync(200, $"counter={value}", "text/plain");
                return;
            }
            if (Interlocked.Increment(ref _pauses) == StallAt)
            {
                Stalled.TrySetResult();
                await exchange.StallAsync(); // until the kill cuts the connection and the server stops
                return;
            }
            await exchange.RespondAsync(200, "paused", "text/plain");
        });

        public ScriptedHttpServer Server { get; }

        public int Value => Volatile.Read(ref _value);

        public int StallAt { get; set; } = -1;

        public TaskCompletionSource Stalled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }

    [Test(TimeoutSeconds = 600)]
    public async Task AServeKilledMidRunFinishesTheRunInTheNextServeWithTheSameResultAndCounter()
    {
        using var temp = new TempDirectory("agentos-durable-kill");

        // The uninterrupted run, on its own counter and data folder.
        string expected;
        int uninterrupted;
        await using (var counter = new Counter())
        {
            string config = WriteConfig(temp.Combine("whole.json"), counter);
            using var serve = await ServeProcess.StartAsync(temp.Combine("whole"), "--config", config);
            using var http = serve.CreateClient();
            expected = await RunAsync(http);
            uninterrupted = counter.Value;
        }
        Assert.Equal(Adds, uninterrupted);

        // The same run, SIGKILLed while its idempotent pause step runs (after three counter steps).
        await using var cut = new Counter { StallAt = 1 };
        string cutConfig = WriteConfig(temp.Combine("cut.json"), cut);
        string data = temp.Combine("cut");
        using (var serve = await ServeProcess.StartAsync(data, "--config", cutConfig))
        {
            using var http = serve.CreateClient();
            var running = RunAsync(http);
            await cut.Stalled.Task.WaitAsync(TimeSpan.FromSeconds(120));
            serve.Child.Kill();
            await serve.Child.WaitForExitAsync(TimeSpan.FromSeconds(30));
            await Assert.ThrowsAsync<Exception>(() => running);
        }
        Assert.Equal(3, cut.Value);

        // A new serve on the same data folder resumes the run by itself.
        using (var serve = await ServeProcess.StartAsync(data, "--config", cutConfig))
        {
            await serve.Child.WaitForLineAsync(l => l.Contains("durable runs resumed from their journals: 1", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
            using var http = serve.CreateClient();
            Assert.True(await CompletedAsync(http), "the resumed run completes in the new serve");
            serve.Child.Terminate();
            Assert.Equal(0, await serve.Child.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        }
        await using var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = data });
        var run = (await kernel.DurableRunsAsync()).Single();
        Assert.Equal(DurableRunState.Completed, run.State);
        Assert.Equal(2, run.Attempts, "the killed serve's attempt and the new serve's");
        Assert.Equal(expected, run.Result, "the same result as the uninterrupted run");
        Assert.Equal(uninterrupted, cut.Value, "the same counter: the steps done before the kill were not run again");
    }

    private static string WriteConfig(string path, Counter counter)
    {
        string url = counter.Server.Url;
        var steps = new[] { "add", "add", "add", "pause", "add", "add" }.Select((tool, i) => $$"""{ "tool": "{{tool}}", "arguments": { "step": {{i + 1}}, "order": "{input}" } }""");
        File.WriteAllText(path, $$"""
            {
              "reactor": { "durable": { "max_attempts": 3 } },
              "http_tools": [
                { "name": "add", "description": "Advances the counter.", "url": "{{url}}add", "parameters": { "type": "object" } },
                { "name": "pause", "description": "Waits.", "url": "{{url}}pause", "parameters": { "type": "object" }, "idempotent": true }
              ],
              "agents": [ { "name": "ledger", "durable": true, "description": "Books five counter steps.", "steps": [ {{string.Join(", ", steps)}} ] } ]
            }
            """);
        return path;
    }

    private static async Task<string> RunAsync(HttpClient http)
    {
        using var response = await http.PostAsJsonAsync("/v1/agents/ledger/run", new { input = "order-7" });
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"the run answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("output").GetString()!;
    }

    // Polls the status until the ledger agent has a completed run.
    private static async Task<bool> CompletedAsync(HttpClient http)
    {
        for (int i = 0; i < 600; i++)
        {
            using var status = JsonDocument.Parse(await http.GetStringAsync("/v1/status"));
            var ledger = status.RootElement.GetProperty("agents").EnumerateArray().Single(a => a.GetProperty("name").GetString() == "ledger");
            if (ledger.GetProperty("completed").GetInt64() == 1)
            {
                return true;
            }
            Assert.Equal(0L, ledger.GetProperty("failed").GetInt64(), "the resumed run did not fail");
            await Task.Delay(100);
        }
        return false;
    }
}
