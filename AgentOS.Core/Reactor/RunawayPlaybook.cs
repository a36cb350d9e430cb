using AgentOS.Access;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;

namespace AgentOS.Reactor;

/// <summary>
/// Runaway agents (<c>runaway</c>). Trigger: an agent makes the same tool call (same tool, same arguments) for the
/// <see cref="RunawayPlaybookOptions.RepeatedCalls"/>th time within the window, or its LLM syscalls use
/// <see cref="RunawayPlaybookOptions.TokensWithoutProgress"/> tokens with no progress between them (progress: a tool
/// call it has not made in the window, or a memory or storage syscall). Action: the agent is paused (the syscall that
/// tripped it and every later one is refused with <c>agent_paused</c>; nothing runs) and the case escalated to the
/// approver at once. Verification is the approver's: approved, the agent resumes (the case is verified); denied, it
/// stays paused until <see cref="ReactorEngine.Resume"/>.
/// </summary>
/// <remarks>It sits in the syscall router's gate (it must refuse before anything runs), so it sees each request's
/// arguments, which the bus's events do not carry.</remarks>
public sealed class RunawayPlaybook : Playbook, ISyscallGate
{
    private readonly RunawayPlaybookOptions _options;
    private readonly Dictionary<string, Pause> _paused = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _burn = new(StringComparer.Ordinal);
    private ReactorEngine? _engine;
    private SlidingCounter? _repeats;

    internal RunawayPlaybook(RunawayPlaybookOptions options) : base("runaway", options.Enabled) => _options = options;

    internal override void Start(ReactorEngine engine)
    {
        _engine = engine;
        _repeats = new SlidingCounter(TimeSpan.FromSeconds(_options.WindowSeconds), engine.Time);
    }

    /// <summary>The agents paused now.</summary>
    public IReadOnlyList<string> Paused
    {
        get
        {
            lock (_paused)
            {
                return [.. _paused.Keys];
            }
        }
    }

    SyscallException? ISyscallGate.Admit(SyscallRequest request, SyscallKind kind)
    {
        string agent = request.AgentId;
        lock (_paused)
        {
            if (_paused.TryGetValue(agent, out var pause))
            {
                return Refusal(agent, pause);
            }
        }
        string? reason = null;
        if (kind == SyscallKind.Tool && request.Tool is { } tool)
        {
            // The arguments' JSON text as sent: the same call repeated is the same text (a reordered object is a
            // different call, which errs on the side of not pausing).
            int seen = _repeats!.Add($"{agent}\n{tool.Call.Name}\n{tool.Call.Arguments.GetRawText()}");
            if (seen >= _options.RepeatedCalls)
            {
                reason = $"called tool '{tool.Call.Name}' with the same arguments {seen} times within {_options.WindowSeconds:0.###} s";
            }
            else if (seen == 1)
            {
                Progressed(agent);
            }
        }
        else if (kind is SyscallKind.Memory or SyscallKind.Storage)
        {
            Progressed(agent);
        }
        return reason is null ? null : TryPause(agent, reason, request);
    }

    void ISyscallGate.Ended(SyscallRequest request, SyscallKind kind, int tokensUsed, bool succeeded)
    {
        if (kind != SyscallKind.Llm || tokensUsed <= 0)
        {
            return;
        }
        long burnt;
        lock (_burn)
        {
            _burn.TryGetValue(request.AgentId, out burnt);
            _burn[request.AgentId] = burnt += tokensUsed;
        }
        if (burnt >= _options.TokensWithoutProgress)
        {
            // The syscall that crossed the line has run; the agent's next one is refused.
            TryPause(request.AgentId, $"used {burnt} tokens in LLM syscalls with no progress (no new tool call, memory or storage syscall)", request);
        }
    }

    private void Progressed(string agent)
    {
        lock (_burn)
        {
            _burn.Remove(agent);
        }
    }

    private AgentPausedException? TryPause(string agent, string reason, SyscallRequest request)
    {
        var engine = _engine!;
        long number = engine.NewCase();
        engine.Record(Name, ReactorStage.Triggered, number, ResourceKind.Tool, agent, agent, 0, reason);
        if (!engine.TryAct(Name, number, ResourceKind.Tool, agent, agent))
        {
            return null; // the fuse is spent: recorded as suppressed, and the agent carries on
        }
        var pause = new Pause(number, reason);
        lock (_paused)
        {
            if (!_paused.TryAdd(agent, pause))
            {
                return Refusal(agent, _paused[agent]); // another thread paused it first
            }
        }
        Progressed(agent);
        _repeats!.Clear($"{agent}\n{request.Tool?.Call.Name}\n{request.Tool?.Call.Arguments.GetRawText()}");
        Interlocked.Increment(ref OpenCases);
        engine.Record(Name, ReactorStage.Acted, number, ResourceKind.Tool, agent, agent, 0, "paused: its syscalls are refused (agent_paused) until an approver resumes it");
        engine.Escalate(Name, number, ResourceKind.Tool, agent, agent, $"agent '{agent}' {reason}; it is paused. Approve to resume it, deny to keep it paused.",
            approved =>
            {
                if (approved)
                {
                    Resume(agent, ReactorStage.Verified, "resumed: the approver approved");
                }
            });
        return Refusal(agent, pause);
    }

    /// <summary>Resumes a paused agent; <see langword="false"/> if it was not paused.</summary>
    internal bool Resume(string agent, ReactorStage stage, string detail)
    {
        Pause? pause;
        lock (_paused)
        {
            if (!_paused.Remove(agent, out pause))
            {
                return false;
            }
        }
        Progressed(agent);
        Interlocked.Decrement(ref OpenCases);
        _engine!.Record(Name, stage, pause.Case, ResourceKind.Tool, agent, agent, 0, detail);
        return true;
    }

    private static AgentPausedException Refusal(string agent, Pause pause) =>
        new($"Agent '{agent}' is paused by the Reactor (case {pause.Case}: it {pause.Reason}). An approver resumes it by approving the escalation, or an operator with ReactorEngine.Resume; fix the loop first.");

    private sealed record Pause(long Case, string Reason);
}
