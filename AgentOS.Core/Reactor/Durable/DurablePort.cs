using System.Text.Json;
using AgentOS.Serialization;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Reactor;

/// <summary>
/// The port a durable run's agent talks through: each syscall is a numbered step of the run's journal. A step the
/// journal holds a result for returns that result without running (after checking the agent asks the same thing:
/// otherwise the run diverged); any other step journals its intent, runs, and journals its result durably BEFORE the
/// agent sees it, so a cut anywhere leaves each step either done-and-journaled or visibly in doubt.
/// </summary>
/// <remarks>
/// A step in doubt (intent journaled, no result: the cut came while it ran) runs again only when that is safe: an LLM
/// call, a memory or storage read, a storage write (it writes the same value again), a tool declared idempotent, or a
/// tool that honours idempotency keys (each tool step carries <c>{run_id}:{step}</c>). Anything else pauses the run
/// (<see cref="DurableRunException"/>) for the approver to decide. Steps are numbered in the order the agent submits
/// them, so an agent must be deterministic given its steps' results, including the order in which it starts calls it
/// runs in parallel.
/// </remarks>
internal sealed class DurablePort(DurableRunContext run, IKernelPort inner) : IKernelPort, IToolCatalog
{
    private int _step;

    /// <summary>Steps answered from the journal without running.</summary>
    public int Replayed;

    /// <summary>Steps that ran.</summary>
    public int Executed;

    public ValueTask<SyscallResponse> SubmitAsync(SyscallRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Numbered before anything awaits: calls the agent starts together keep the order it started them in.
        int step = Interlocked.Increment(ref _step);
        return new ValueTask<SyscallResponse>(StepAsync(step, request, cancellationToken));
    }

    public ValueTask<IReadOnlyList<ToolSpec>> ListToolsAsync(string agentId, CancellationToken cancellationToken = default) =>
        inner is IToolCatalog catalog
            ? catalog.ListToolsAsync(agentId, cancellationToken)
            : throw new CapabilityNotSupportedException("This kernel port cannot list tools.");

    private async Task<SyscallResponse> StepAsync(int step, SyscallRequest request, CancellationToken cancellationToken)
    {
        var kind = request.Kind;
        string asked = Fingerprint(request);
        bool intentJournaled = false;
        if (run.Steps.TryGetValue(step, out var recorded))
        {
            if (recorded.Kind != kind || !string.Equals(recorded.Request, asked, StringComparison.Ordinal))
            {
                throw run.Diverged(step, recorded, kind, asked);
            }
            if (recorded.Response is { } journaled)
            {
                Interlocked.Increment(ref Replayed);
                run.Workspace?.Replayed(request, journaled);
                if (request.StreamTo is { } stream && journaled.Llm is { } llm)
                {
                    await stream.WriteAsync(llm.Content, cancellationToken).ConfigureAwait(false);
                }
                return journaled;
            }
            if (!MayRunAgain(request, step))
            {
                throw run.InDoubt(step, recorded);
            }
            intentJournaled = true;
        }
        var record = new DurableStepRecord { Step = step, Kind = kind, Request = asked, Tool = request.Tool?.Call.Name };
        if (!intentJournaled)
        {
            await run.Journal.WriteStepAsync(run.RunId, record, cancellationToken).ConfigureAwait(false);
        }
        var live = request;
        if (request.Tool is { } tool)
        {
            var call = run.Workspace is { } workspace ? await workspace.BeforeAsync(tool.Call, cancellationToken).ConfigureAwait(false) : tool.Call;
            live = With(request, new ToolQuery { Call = call, IdempotencyKey = $"{run.RunId}:{step}" });
        }
        SyscallResponse response;
        try
        {
            response = await inner.SubmitAsync(live, cancellationToken).ConfigureAwait(false);
        }
        catch (SyscallException ex) when (NothingRan(ex))
        {
            // Refused before it ran: the step did not happen, and the next attempt asks again.
            await run.Journal.DeleteStepAsync(run.RunId, step, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        Interlocked.Increment(ref Executed);
        // The result is on disk before the agent sees it: a cut after this point replays it, never runs it again.
        await run.Journal.WriteStepAsync(run.RunId, record with { Response = response }, CancellationToken.None).ConfigureAwait(false);
        if (run.Workspace is { } touched && request.Tool is { } done)
        {
            await touched.AfterAsync(done.Call, response, cancellationToken).ConfigureAwait(false);
        }
        return response;
    }

    // Whether a step that may have run (in doubt) can run again without acting twice.
    private bool MayRunAgain(SyscallRequest request, int step)
    {
        if (run.ApprovedInDoubtStep == step)
        {
            return true; // the approver said so
        }
        return request.Kind switch
        {
            SyscallKind.Llm => true,
            SyscallKind.Storage => true,
            SyscallKind.Memory => request.Memory!.Operation is MemoryOperation.Get or MemoryOperation.Search,
            _ => run.FindTool(request.Tool!.Call.Name) is { } tool && (tool.Idempotent || tool.HonoursIdempotencyKey),
        };
    }

    // Refusals that come before anything runs; any other failure may have come mid-way.
    private static bool NothingRan(SyscallException ex) => ex.Code is "permission_denied" or "budget_exceeded" or "memory_quota_exceeded"
        or "invalid_request" or "agent_paused" or "not_supported" or "rate_limited";

    /// <summary>What a step asks, as JSON: the query only (no deadline, priority or cost hint, which may differ on a
    /// replay without changing what is asked).</summary>
    internal static string Fingerprint(SyscallRequest request) =>
        JsonSerializer.Serialize(new SyscallRequest { AgentId = request.AgentId, Llm = request.Llm, Memory = request.Memory, Storage = request.Storage, Tool = request.Tool }, AgentOSJsonContext.Default.SyscallRequest);

    private static SyscallRequest With(SyscallRequest request, ToolQuery tool) => new()
    {
        AgentId = request.AgentId,
        Tool = tool,
        Priority = request.Priority,
        Deadline = request.Deadline,
        EstimatedCost = request.EstimatedCost,
        StreamTo = request.StreamTo,
        ActedBy = request.ActedBy,
    };
}
