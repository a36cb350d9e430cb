using System.Net;
using System.Text.Json;
using AgentOS.Evolution;
using AgentOS.Kernel;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Hosting.Dashboard;

namespace AgentOS.Tests.Evolution;

/// <summary>
/// The loop's operator face on serve: GET /v1/evolution (settings in force, pins, history), PUT and DELETE
/// /v1/evolution/pins/{parameter} (admin; a refusal changes nothing), the config's "evolution" key, and pins that
/// outlive a restart.
/// </summary>
public sealed class EvolutionHttpTests
{
    [Test(TimeoutSeconds = 60)]
    public async Task AnAdminPinsAndUnpinsOverHttpAndAnAgentIsRefusedWithNothingChanged()
    {
        await using var server = DashboardServer.Start();
        var loop = await server.Kernel.StartEvolutionAsync(new EvolutionOptions { Window = 50, EvaluateEvery = 1_000_000 });
        var before = server.Kernel.LlmQueue.Current;
        using var alice = server.Bearer(DashboardServer.AliceKey);
        using var admin = server.Bearer(DashboardServer.AdminToken);

        using (var refused = await alice.PutAsync("v1/evolution/pins/policy", DashboardServer.Json("""{"value":"fifo"}""")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        using (var refused = await alice.DeleteAsync("v1/evolution/pins/policy"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        using (var bad = await admin.PutAsync("v1/evolution/pins/policy", DashboardServer.Json("""{"value":"lottery-of-doom"}""")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("Unknown LLM queue policy", await bad.Content.ReadAsStringAsync());
        }
        using (var bad = await admin.PutAsync("v1/evolution/pins/no_such_parameter", DashboardServer.Json("""{"value":"1"}""")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }
        // Nothing changed by a refusal: no pin, no change, the queue as it was, nothing audited by the operator.
        Assert.Equal(0, loop.Pins.Count);
        Assert.Equal(0, loop.History.Count);
        Assert.Equal(before, server.Kernel.LlmQueue.Current);
        await server.Kernel.Audit.FlushAsync();
        Assert.False(server.Kernel.Audit.ReadAll().Any(r => r.Target?.StartsWith("evolution/", StringComparison.Ordinal) == true), "a refusal is not a change");

        using (var pinned = await admin.PutAsync("v1/evolution/pins/policy", DashboardServer.Json("""{"value":"fifo"}""")))
        {
            Assert.Equal(HttpStatusCode.OK, pinned.StatusCode);
            using var status = JsonDocument.Parse(await pinned.Content.ReadAsStringAsync());
            Assert.Equal("fifo", status.RootElement.GetProperty("current").GetProperty("policy").GetString());
            Assert.Equal("fifo", status.RootElement.GetProperty("parameters").GetProperty("policy").GetString());
            Assert.Equal("fifo", status.RootElement.GetProperty("pins").GetProperty("policy").GetString());
            var change = status.RootElement.GetProperty("history").EnumerateArray().Single();
            Assert.Equal("pin", change.GetProperty("kind").GetString());
            Assert.Equal("policy", change.GetProperty("parameter").GetString());
        }
        Assert.Equal("fifo", server.Kernel.LlmQueue.Current.Policy);
        Assert.Equal("fifo", loop.Pins["policy"]);
        await server.Kernel.Audit.FlushAsync();
        var audited = server.Kernel.Audit.ReadAll().Single(r => r.Target == "evolution/pins/policy");
        Assert.Equal("pinned policy=fifo", audited.Message);

        using (var monitor = await admin.GetAsync("v1/evolution"))
        {
            Assert.Equal(HttpStatusCode.OK, monitor.StatusCode);
            Assert.Contains("\"pins\":{\"policy\":\"fifo\"}", await monitor.Content.ReadAsStringAsync());
        }
        using (var unpinned = await admin.DeleteAsync("v1/evolution/pins/policy"))
        {
            Assert.Equal(HttpStatusCode.OK, unpinned.StatusCode);
            Assert.Contains("\"pins\":{}", await unpinned.Content.ReadAsStringAsync());
        }
        Assert.Equal(0, loop.Pins.Count);
        Assert.Equal("fifo", server.Kernel.LlmQueue.Current.Policy); // unpinning moves nothing; a proven change may
        Assert.SequenceEqual(["pin", "unpin"], loop.History.Select(c => c.Kind));
        using (var again = await admin.DeleteAsync("v1/evolution/pins/policy"))
        {
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        }
        Assert.Equal(2, loop.History.Count);
    }

    [Test(TimeoutSeconds = 60)]
    public async Task WithTheLoopOffTheEndpointsAnswerNotFoundAndSayHowToStartIt()
    {
        await using var server = DashboardServer.Start();
        using var admin = server.Bearer(DashboardServer.AdminToken);
        using var status = await admin.GetAsync("v1/evolution");
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        Assert.Contains("--evolve", await status.Content.ReadAsStringAsync());
        using var pin = await admin.PutAsync("v1/evolution/pins/policy", DashboardServer.Json("""{"value":"fifo"}"""));
        Assert.Equal(HttpStatusCode.NotFound, pin.StatusCode);
        Assert.Null(server.Kernel.Evolution);
    }

    [Test]
    public void TheConfigsEvolutionKeyCarriesPinsAndCountsAndRefusesABadPin()
    {
        var config = KernelConfig.Parse("""{ "evolution": { "pins": { "policy": "gittins", "aging_rate": "2" }, "window": 400, "evaluate_every": 100, "tolerance": 0.1 } }""");
        var evolution = Assert.NotNull(config.Evolution);
        Assert.True(evolution.Enabled);
        var options = evolution.ToOptions(slots: 3);
        Assert.Equal(3, options.Slots);
        Assert.Equal(400, options.Window);
        Assert.Equal(100, options.EvaluateEvery);
        Assert.Equal(0.1, options.Tolerance);
        Assert.Equal(new EvolutionOptions().WatchCalls, options.WatchCalls);
        Assert.Equal("2", options.Pins!["aging_rate"]);
        Assert.False(KernelConfig.Parse("""{ "evolution": { "enabled": false } }""").Evolution!.Enabled);

        var bad = Assert.Throws<KernelConfigException>(() => KernelConfig.Parse("""{ "evolution": { "pins": { "policy": "lottery-of-doom" } } }"""));
        Assert.Contains("Unknown LLM queue policy", bad.Message);
        Assert.Throws<KernelConfigException>(() => KernelConfig.Parse("""{ "evolution": { "window": 3 } }"""));
        Assert.Throws<KernelConfigException>(() => KernelConfig.Parse("""{ "evolution": { "pinz": {} } }"""));
    }

    [Test(TimeoutSeconds = 60)]
    public async Task PinsOutliveARestartAndAConfigPinAlreadyInForceIsNotRecordedAgain()
    {
        using var data = new Helpers.TempDirectory("agentos-evolution-pins");
        var options = new EvolutionOptions { Window = 50, EvaluateEvery = 1_000_000, Pins = new Dictionary<string, string> { ["policy"] = "gittins" } };
        await using (var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = data.Path }))
        {
            var loop = await kernel.StartEvolutionAsync(options);
            loop.Pin("aging_rate", "4");
            loop.Pin("skill_threshold", "0.5");
            loop.Unpin("skill_threshold");
            Assert.Equal(4, loop.History.Count);
        }
        await using (var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = data.Path }))
        {
            var loop = await kernel.StartEvolutionAsync(options);
            Assert.SequenceEqual(["aging_rate=4", "policy=gittins"], loop.Pins.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
            Assert.Equal(4, loop.History.Count); // the config's pin was in force already: no new change
            Assert.Equal("gittins", kernel.LlmQueue.Current.Policy);
            Assert.Equal(4.0, kernel.LlmQueue.Current.AgingRate);
        }
    }
}
