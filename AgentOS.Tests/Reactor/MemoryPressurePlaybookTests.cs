using AgentOS.Access;
using AgentOS.Memory;
using AgentOS.Reactor;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Reactor;

/// <summary>
/// The memory pressure playbook, through the kernel: an agent fills its memory toward its quota with memory syscalls.
/// Every item has the same size S and the quota is 16·S, the high mark 0.75 (an add reaching 12·S triggers) and the
/// low mark 0.5 (evict until the add fits in 8·S), so each case evicts exactly four items, least important first,
/// then oldest; item 0 is protected (importance 1).
/// </summary>
public sealed class MemoryPressurePlaybookTests
{
    private static readonly string[] Tags = ["note"];

    private static string Content(int i) => $"observation {i:00}: the build is green";

    // Odd items matter least (0), even ones more (0.5), item 0 is protected (1).
    private static float Importance(int i) => i == 0 ? 1 : i % 2 == 1 ? 0 : 0.5f;

    private static ReactorHarness Start(bool reactor, ManualApprover? approver = null)
    {
        int size = MemoryRecord.Measure(Content(0), Tags);
        var options = new ReactorOptions { MemoryPressure = new() { HighWater = 0.75, LowWater = 0.5 } };
        return new ReactorHarness([new ScriptedBackend("llm", ["m"])], reactor ? options : null, configure: o => o with
        {
            Memory = new MemoryStoreOptions { BlockSize = 1024, AgentQuotaBytes = 16 * size },
            Approver = approver ?? o.Approver,
        });
    }

    private static async Task<string> Add(ReactorHarness h, int i, float? importance = null) =>
        (await h.Kernel.Port.SubmitAsync(new SyscallRequest
        {
            AgentId = "alice",
            Memory = new MemoryQuery { Operation = MemoryOperation.Add, Content = Content(i), Tags = Tags, Importance = importance ?? Importance(i) },
        })).Memory!.Id!;

    private static async Task<int[]> Held(ReactorHarness h, List<string> ids)
    {
        var held = new List<int>();
        for (int i = 0; i < ids.Count; i++)
        {
            if (await h.Kernel.Memory.FindAsync("alice", ids[i]) is { } item)
            {
                Assert.Equal(Content(i), item.Content);
                held.Add(i);
            }
        }
        return [.. held];
    }

    [Test]
    public async Task AnAgentFillingItsMemoryIsNeverRefusedAndLosesExactlyTheItemsThePolicyPicks()
    {
        await using var h = Start(reactor: true);
        var ids = new List<string>();
        for (int i = 0; i < 17; i++)
        {
            ids.Add(await Add(h, i)); // the 17th would pass the quota without the playbook
        }
        // Add 11 (11 held) reaches 12·S: evicts the four oldest of importance 0 (1, 3, 5, 7). Add 15 again: the rest of
        // importance 0 (9, 11, 13), then the oldest of 0.5 (2). Item 0 is protected.
        Assert.SequenceEqual([0, 4, 6, 8, 10, 12, 14, 15, 16], await Held(h, ids));
        Assert.SequenceEqual(
            [ReactorStage.Triggered, ReactorStage.Acted, ReactorStage.Verified, ReactorStage.Triggered, ReactorStage.Acted, ReactorStage.Verified],
            h.Stages("memory_pressure", s => s.Count(x => x == ReactorStage.Verified) == 2));
        var acted = h.ReactorEvents.Where(e => e.Playbook == "memory_pressure" && e.Stage == ReactorStage.Acted).Select(e => e.Detail).ToArray();
        Assert.Contains($"{ids[1]}, {ids[3]}, {ids[5]}, {ids[7]}", acted[0]);
        Assert.Contains($"{ids[9]}, {ids[11]}, {ids[13]}, {ids[2]}", acted[1]);
        Assert.Equal(8, h.Kernel.Reactor!.MemoryPressure.Evicted);
        var alice = h.Kernel.Memory.Statistics.Agents.Single(a => a.Agent == "alice");
        Assert.Equal(0, alice.QuotaRejections);
        Assert.Equal(9, alice.Items);
        Assert.Equal(0, h.Kernel.Status.Reactor!.Playbooks.Single(p => p.Name == "memory_pressure").Open);
        await h.Kernel.Audit.FlushAsync();
        Assert.True(h.Kernel.Audit.ReadAll().Any(r => r.Decision == AuditDecision.Reactor && r.Message!.Contains("memory_pressure verified")), "audited");
    }

    [Test]
    public async Task WithoutTheReactorTheSameAddIsRefusedAndNothingIsEvicted()
    {
        await using var h = Start(reactor: false);
        var ids = new List<string>();
        for (int i = 0; i < 16; i++)
        {
            ids.Add(await Add(h, i));
        }
        var refused = await Assert.ThrowsAsync<MemoryQuotaExceededException>(() => Add(h, 16));
        Assert.Contains("agent_quota_bytes", refused.Message);
        Assert.SequenceEqual(Enumerable.Range(0, 16), await Held(h, ids));
    }

    [Test]
    public async Task WithOnlyProtectedItemsTheCaseIsUnverifiedEscalatedAndTheQuotaStillHolds()
    {
        var approver = new ManualApprover();
        await using var h = Start(reactor: true, approver);
        var ids = new List<string>();
        for (int i = 0; i < 16; i++)
        {
            ids.Add(await Add(h, i, importance: 1));
        }
        await Assert.ThrowsAsync<MemoryQuotaExceededException>(() => Add(h, 16, importance: 1));
        Assert.SequenceEqual(Enumerable.Range(0, 16), await Held(h, ids)); // nothing protected was evicted
        var first = h.Stages("memory_pressure", s => s.Contains(ReactorStage.Escalated)).Take(4).ToArray();
        Assert.SequenceEqual([ReactorStage.Triggered, ReactorStage.Acted, ReactorStage.Unverified, ReactorStage.Escalated], first);
        Assert.True(SpinWait.SpinUntil(() => approver.Pending.Count > 0, TimeSpan.FromSeconds(20)), "the escalation reached the approver");
        Assert.Contains("memory_pressure playbook escalates", approver.Pending[0].Describe());
        Assert.Equal(0, h.Kernel.Reactor!.MemoryPressure.Evicted);
    }

    [Test]
    public void ItsMarksAreCheckedByKey()
    {
        var error = Assert.Throws<ArgumentException>(() => new ReactorOptions { MemoryPressure = new() { HighWater = 0.5, LowWater = 0.6 } }.Validate());
        Assert.Contains("reactor.memory_pressure.low_water", error.Message);
    }
}
