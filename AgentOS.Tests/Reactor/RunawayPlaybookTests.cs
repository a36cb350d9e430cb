using System.Text.Json;
using AgentOS.Access;
using AgentOS.Reactor;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Reactor;

/// <summary>Runaway agents through the kernel: an agent repeating one tool call, or burning tokens with no progress,
/// is paused (its syscalls refused typed, nothing run) and escalated; the approver's answer resumes it.</summary>
public sealed class RunawayPlaybookTests
{
    private static ReactorOptions Options(int repeated = 3, long tokens = 1_000_000) => new()
    {
        Runaway = new() { RepeatedCalls = repeated, WindowSeconds = 60, TokensWithoutProgress = tokens },
    };

    private static (ReactorHarness Harness, ManualApprover Approver, Func<int> Runs) Start(ReactorOptions options)
    {
        int runs = 0;
        var approver = new ManualApprover();
        var h = new ReactorHarness([new ScriptedBackend("llm", ["m"])], options, configure: o =>
        {
            using var schema = JsonDocument.Parse("{\"type\":\"object\"}");
            o.Tools.Register(new AgentOS.Tools.ToolDefinition
            {
                Name = "poll",
                Description = "poll",
                ParametersSchema = schema.RootElement.Clone(),
                Run = (_, _, _) =>
                {
                    Interlocked.Increment(ref runs);
                    return ValueTask.FromResult(new AgentOS.Tools.ToolOutput("not yet"));
                },
            });
            return o with { Approver = approver };
        });
        return (h, approver, () => Volatile.Read(ref runs));
    }

    private static Task<SyscallResponse> Poll(ReactorHarness h, string arguments) =>
        h.Kernel.Port.SubmitAsync(new SyscallRequest { AgentId = "alice", Tool = new() { Call = new("poll", JsonDocument.Parse(arguments).RootElement.Clone()) } }).AsTask();

    [Test]
    public async Task AnAgentRepeatingTheSameToolCallIsPausedEscalatedAndResumedByTheApprover()
    {
        var (h, approver, runs) = Start(Options(repeated: 3));
        await using var _ = h;
        await Poll(h, "{\"job\":1}");
        await Poll(h, "{\"job\":2}"); // another call: not a repeat
        await Poll(h, "{\"job\":1}");
        var refused = await Assert.ThrowsAsync<AgentPausedException>(() => Poll(h, "{\"job\":1}"));
        Assert.Equal("agent_paused", refused.Code);
        Assert.Contains("same arguments 3 times", refused.Message);
        Assert.Equal(3, runs()); // the third repeat did not run

        // Paused: every syscall is refused, an LLM one too, and nothing runs.
        await Assert.ThrowsAsync<AgentPausedException>(() => h.Ask("m"));
        await Assert.ThrowsAsync<AgentPausedException>(() => Poll(h, "{\"job\":3}"));
        Assert.Equal(3, runs());
        Assert.SequenceEqual(["alice"], h.Kernel.Reactor!.Runaway.Paused);
        Assert.SequenceEqual([ReactorStage.Triggered, ReactorStage.Acted, ReactorStage.Escalated], h.Stages("runaway", s => s.Contains(ReactorStage.Escalated)));
        Assert.Equal(1, h.Kernel.Status.Reactor!.Playbooks.Single(p => p.Name == "runaway").Open);

        Assert.True(SpinWait.SpinUntil(() => approver.Pending.Count == 1, TimeSpan.FromSeconds(20)), "the escalation reached the approver");
        Assert.Contains("runaway playbook escalates", approver.Pending[0].Describe());
        approver.Approve(approver.Pending[0].Id, "ops");
        Assert.Equal(ReactorStage.Verified, h.Stages("runaway", s => s.Contains(ReactorStage.Verified))[^1]);
        Assert.Equal(0, h.Kernel.Reactor.Runaway.Paused.Count);
        Assert.Equal("not yet", (await Poll(h, "{\"job\":1}")).Tool!.Result.Output);
        Assert.Equal(4, runs());
        await h.Kernel.Audit.FlushAsync();
        Assert.True(h.Kernel.Audit.ReadAll().Any(r => r.Decision == AuditDecision.Reactor && r.Message!.Contains("runaway acted")), "audited");
    }

    [Test]
    public async Task AnAgentBurningTokensWithoutProgressIsPausedAndADeniedCaseStaysPausedUntilAnOperatorResumes()
    {
        // The scripted backend uses 2 tokens a call: the fifth call since the last progress reaches 10.
        var (h, approver, _) = Start(Options(tokens: 10));
        await using var _ = h;
        for (int i = 0; i < 4; i++)
        {
            await h.Ask("m");
        }
        await Poll(h, "{\"new\":true}"); // progress: the count starts again
        for (int i = 0; i < 5; i++)
        {
            await h.Ask("m");
        }
        var refused = await Assert.ThrowsAsync<AgentPausedException>(() => h.Ask("m"));
        Assert.Contains("10 tokens", refused.Message);
        Assert.True(SpinWait.SpinUntil(() => approver.Pending.Count == 1, TimeSpan.FromSeconds(20)), "escalated");
        approver.Deny(approver.Pending[0].Id, "ops");
        Assert.Contains(ReactorStage.Answered, h.Stages("runaway", s => s.Contains(ReactorStage.Answered)));
        await Assert.ThrowsAsync<AgentPausedException>(() => h.Ask("m"));

        Assert.True(h.Kernel.Reactor!.Resume("alice", "ops"));
        Assert.Equal("llm", (await h.Ask("m")).Llm!.Content);
        Assert.Equal(ReactorStage.Undone, h.Stages("runaway", s => s.Contains(ReactorStage.Undone))[^1]);
    }

    [Test]
    public async Task WithoutTheReactorTheSameLoopRunsOn()
    {
        await using var h = new ReactorHarness([new ScriptedBackend("llm", ["m"])], null);
        for (int i = 0; i < 10; i++)
        {
            await h.Ask("m");
        }
        Assert.Null(h.Kernel.Reactor);
    }
}
