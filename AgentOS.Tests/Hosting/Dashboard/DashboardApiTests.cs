using System.Net;
using System.Text.Json;
using AgentOS.Access;
using AgentOS.Events;
using AgentOS.Hosting.Http;
using AgentOS.Sdk;
using AgentOS.Syscalls;
using AgentOS.Tests.Framework;
using AgentOS.Time;

namespace AgentOS.Tests.Hosting.Dashboard;

/// <summary>
/// The API the dashboard reads and acts through, which the public API gained for it: per-queue statistics with
/// last-minute percentiles and deadline misses, changing a queue's policy (admin, audited), each agent's activity and
/// budget use, stopping an agent's runs, and the LLM backends.
/// </summary>
public sealed class DashboardApiTests
{
    [Test(TimeoutSeconds = 30)]
    public async Task QueuePercentilesAreTheNearestRanksOfTheLastMinute()
    {
        var time = new ManualTimeProvider();
        await using var bus = new EventBus();
        await using var activity = new KernelActivity(bus, time);
        // 100 LLM syscalls: syscall i waits i ms and is served 2*i ms.
        var start = time.GetUtcNow();
        for (int i = 1; i <= 100; i++)
        {
            bus.Publish(new SyscallEvent(i, "a", SyscallKind.Llm, SyscallStage.Submitted, start));
            bus.Publish(new SyscallEvent(i, "a", SyscallKind.Llm, SyscallStage.Dispatched, start.AddMilliseconds(i)));
            bus.Publish(new SyscallEvent(i, "a", SyscallKind.Llm, SyscallStage.Completed, start.AddMilliseconds(3 * i)));
        }
        await DeliveredAsync(bus, "http-activity", 300);
        var (wait, service) = activity.Percentiles(SyscallKind.Llm);
        Assert.Equal(new LatencyPercentiles(100, 50, 90, 99, 100), wait);
        Assert.Equal(new LatencyPercentiles(100, 100, 180, 198, 200), service);
        Assert.Equal(0, activity.Percentiles(SyscallKind.Memory).Wait.Count);
        Assert.Null(activity.Agent("a").Current);

        // A minute later they have left the window.
        time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(new LatencyPercentiles(0, 0, 0, 0, 0), activity.Percentiles(SyscallKind.Llm).Wait);
    }

    [Test(TimeoutSeconds = 30)]
    public async Task AnAgentsSyscallInFlightAndItsLatestErrorComeFromTheEvents()
    {
        var time = new ManualTimeProvider();
        await using var bus = new EventBus();
        await using var activity = new KernelActivity(bus, time);
        var at = time.GetUtcNow();
        bus.Publish(new SyscallEvent(7, "bob", SyscallKind.Storage, SyscallStage.Submitted, at, Target: "agents/bob/x"));
        bus.Publish(new SyscallEvent(0, "bob", null, SyscallStage.Refused, at, Error: "permission_denied"));
        await DeliveredAsync(bus, "http-activity", 2);
        var (current, error) = activity.Agent("bob");
        Assert.Equal(new CurrentSyscall(7, "storage", "waiting", "agents/bob/x", at), current);
        Assert.Equal("syscall refused: permission_denied", error!.Message);

        bus.Publish(new SyscallEvent(7, "bob", SyscallKind.Storage, SyscallStage.Dispatched, at, Target: "agents/bob/x"));
        await DeliveredAsync(bus, "http-activity", 3);
        Assert.Equal("running", activity.Agent("bob").Current!.State);
        bus.Publish(new SyscallEvent(7, "bob", SyscallKind.Storage, SyscallStage.Failed, at, Error: "storage_corrupt"));
        await DeliveredAsync(bus, "http-activity", 4);
        (current, error) = activity.Agent("bob");
        Assert.Null(current);
        Assert.Equal("syscall 7 failed: storage_corrupt", error!.Message);
    }

    [Test(TimeoutSeconds = 60)]
    public async Task TheQueuesEndpointShowsEachQueuesCountersPercentilesAndDeadlineMisses()
    {
        await using var server = DashboardServer.Start();
        var alice = new AgentContext("alice", server.Kernel.Port);
        for (int i = 0; i < 5; i++)
        {
            await alice.Storage.WriteTextAsync("agents/alice/n.txt", $"v{i}");
        }
        // A deadline already past: expired in the queue, or completed after it; a missed deadline either way.
        try
        {
            await alice.Storage.WriteTextAsync("agents/alice/late.txt", "x", new SyscallOptions(Deadline: DateTimeOffset.UtcNow.AddSeconds(-1)));
        }
        catch (AgentOS.Syscalls.Errors.SyscallException)
        {
        }
        using var admin = server.Bearer(DashboardServer.AdminToken);
        JsonElement storage = default;
        for (int i = 0; i < 500; i++)
        {
            using var queues = JsonDocument.Parse(await admin.GetStringAsync("v1/queues"));
            storage = queues.RootElement.EnumerateArray().Single(q => q.GetProperty("name").GetString() == "storage").Clone();
            if (storage.GetProperty("service").GetProperty("count").GetInt32() >= 5 && storage.GetProperty("deadlines_missed").GetInt64() >= 1)
            {
                break;
            }
            await Task.Delay(10); // the percentiles follow the event bus, which delivers on its own thread
        }
        var counters = server.Kernel.QueueStatistics("storage");
        Assert.Equal(counters.Completed, storage.GetProperty("completed").GetInt64());
        Assert.Equal(counters.DeadlinesMissed, storage.GetProperty("deadlines_missed").GetInt64());
        Assert.True(counters.DeadlinesMissed >= 1, $"{counters.DeadlinesMissed} deadline misses");
        Assert.InRange(storage.GetProperty("service").GetProperty("count").GetInt32(), 5, 6); // the late write, if it ran
        Assert.Equal(60.0, storage.GetProperty("window_seconds").GetDouble());
        Assert.Contains("wfq", storage.GetProperty("policies").EnumerateArray().Select(p => p.GetString()));
        using var all = JsonDocument.Parse(await admin.GetStringAsync("v1/queues"));
        Assert.SequenceEqual(["llm", "memory", "storage", "tool"], all.RootElement.EnumerateArray().Select(q => q.GetProperty("name").GetString()));
        Assert.Contains("gittins", all.RootElement[0].GetProperty("policies").EnumerateArray().Select(p => p.GetString()));
    }

    [Test(TimeoutSeconds = 60)]
    public async Task ChangingAPolicyNeedsTheAdminGrantIsCheckedAndIsAudited()
    {
        await using var server = DashboardServer.Start();
        using var alice = server.Bearer(DashboardServer.AliceKey);
        using (var response = await alice.PutAsync("v1/queues/llm/policy", DashboardServer.Json("""{"policy":"fifo"}""")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("\"grant\":\"admin\"", await response.Content.ReadAsStringAsync());
        }
        using var admin = server.Bearer(DashboardServer.AdminToken);
        using (var response = await admin.PutAsync("v1/queues/llm/policy", DashboardServer.Json("""{"policy":"lottery"}""")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("gittins", await response.Content.ReadAsStringAsync());
        }
        using (var response = await admin.PutAsync("v1/queues/disk/policy", DashboardServer.Json("""{"policy":"fifo"}""")))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        string before = server.Kernel.QueueStatistics("llm").Policy;
        Assert.Equal(before, server.Kernel.QueueStatistics("llm").Policy); // nothing refused changed it
        Assert.False(server.Kernel.Audit.ReadAll().Any(r => r.Target == "queue/llm/policy"), "a refusal is not a change");

        using (var response = await admin.PutAsync("v1/queues/llm/policy", DashboardServer.Json("""{"policy":"RR"}""")))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await DashboardAuthTests.WaitForPolicyAsync(server, "llm", "rr");
        Assert.Equal("rr", server.Kernel.LlmQueue.Current.Policy);
        await server.Kernel.Audit.FlushAsync();
        var record = server.Kernel.Audit.ReadAll().Single(r => r.Target == "queue/llm/policy");
        Assert.Equal(Principal.AdminName, record.Approver);
        Assert.Equal(AccessOperation.Write, record.Operation);
        Assert.Equal($"policy of the llm queue changed from {before} to rr", record.Message);
    }

    [Test(TimeoutSeconds = 60)]
    public async Task StoppingAnAgentCancelsItsRunsAndTheActivityShowsItsState()
    {
        await using var server = DashboardServer.Start();
        using var admin = server.Bearer(DashboardServer.AdminToken);
        var run = admin.PostAsync("v1/agents/waiter/run", DashboardServer.Json("""{"input":"x"}"""));
        JsonElement waiter = default;
        for (int i = 0; i < 500; i++)
        {
            using var activity = JsonDocument.Parse(await admin.GetStringAsync("v1/agents/activity"));
            waiter = activity.RootElement.EnumerateArray().Single(a => a.GetProperty("name").GetString() == "waiter").Clone();
            if (waiter.GetProperty("running").GetInt32() == 1)
            {
                break;
            }
            await Task.Delay(10);
        }
        Assert.Equal(1, waiter.GetProperty("running").GetInt32());
        Assert.Equal("waits until it is stopped", waiter.GetProperty("description").GetString());
        Assert.False(waiter.GetProperty("paused").GetBoolean());

        // alice may not stop an agent she may not act for; the run goes on.
        using var alice = server.Bearer(DashboardServer.AliceKey);
        using (var refused = await alice.PostAsync("v1/agents/waiter/stop", null))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        Assert.False(run.IsCompleted);

        using (var stopped = await admin.PostAsync("v1/agents/waiter/stop", null))
        {
            Assert.Equal(HttpStatusCode.OK, stopped.StatusCode);
            Assert.Equal("""{"agent":"waiter","stopped":1}""", await stopped.Content.ReadAsStringAsync());
        }
        using (var ended = await run)
        {
            Assert.Equal(499, (int)ended.StatusCode); // cancelled
        }
        Assert.Equal(1L, server.Kernel.Status.Agents.Single(a => a.Name == "waiter").Failed);
        await server.Kernel.Audit.FlushAsync();
        var record = server.Kernel.Audit.ReadAll().Single(r => r.Target == "agent/waiter/runs");
        Assert.Equal("waiter", record.Agent);
        Assert.Equal(Principal.AdminName, record.ActedBy);
        // The failed run is the agent's latest error.
        using var after = JsonDocument.Parse(await admin.GetStringAsync("v1/agents/activity"));
        var error = after.RootElement.EnumerateArray().Single(a => a.GetProperty("name").GetString() == "waiter").GetProperty("last_error");
        Assert.Contains("Cancel", error.GetProperty("message").GetString());
    }

    [Test(TimeoutSeconds = 60)]
    public async Task TheBackendsEndpointShowsSlotsRateWindowsAndNeedsTheMonitorGrant()
    {
        await using var server = DashboardServer.Start(o => o with { LlmRateLimits = new Dictionary<string, AgentOS.Llm.LlmRateLimits> { ["echo"] = new() { RequestsPerMinute = 100 } } });
        await new AgentContext("alice", server.Kernel.Port).Planning.ChatAsync("hi");
        using var admin = server.Bearer(DashboardServer.AdminToken);
        using var backends = JsonDocument.Parse(await admin.GetStringAsync("v1/llm/backends"));
        var echo = backends.RootElement.EnumerateArray().Single();
        Assert.Equal("echo", echo.GetProperty("name").GetString());
        Assert.False(echo.GetProperty("down").GetBoolean());
        Assert.False(echo.GetProperty("circuit_open").GetBoolean());
        Assert.Equal(1, echo.GetProperty("rate_limit").GetProperty("requests").GetInt32());
        Assert.Equal(100, echo.GetProperty("rate_limit").GetProperty("requests_per_minute").GetInt32());
        server.Kernel.Llm.MarkDown("echo", "drill");
        using var down = JsonDocument.Parse(await admin.GetStringAsync("v1/llm/backends"));
        Assert.Equal("drill", down.RootElement[0].GetProperty("down_reason").GetString());

        using var alice = server.Bearer(DashboardServer.AliceKey);
        using var refused = await alice.GetAsync("v1/llm/backends");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    private static async Task DeliveredAsync(EventBus bus, string subscription, long count)
    {
        var sub = bus.Subscriptions.Single(s => s.Name == subscription && s.EventType == typeof(SyscallEvent));
        for (int i = 0; i < 1000 && sub.Delivered < count; i++)
        {
            await Task.Delay(5);
        }
        Assert.Equal(count, sub.Delivered);
    }
}
