using System.Globalization;
using System.Text.Json;
using AgentOS.Serialization;
using AgentOS.Storage;

namespace AgentOS.Reactor;

/// <summary>
/// Durable runs' journals in the kernel's storage, under <c>durable/runs/{run_id}/</c>: the run's record (<c>run</c>)
/// and one record per step (<c>steps/{n}</c>), outside every agent's namespace so no agent can forge its own history.
/// Every write is acknowledged only once durable (the storage contract), which is what lets a step's result be handed
/// to the agent only after it is on disk.
/// </summary>
/// <remarks>Bounded: a completed run keeps only its run record (result included); its steps and workspace checkpoints
/// are deleted when it completes. Storage versions each write, so a step's key holds two versions (intent, result).</remarks>
internal sealed class DurableJournal(IStorageBackend storage)
{
    private const string Root = "durable/runs/";

    public static string RunKey(string runId) => $"{Root}{runId}/run";

    public static string StepKey(string runId, int step) => $"{Root}{runId}/steps/{step.ToString("D6", CultureInfo.InvariantCulture)}";

    public static string WorkspaceKey(string runId, int session) => $"{Root}{runId}/workspace/{session.ToString(CultureInfo.InvariantCulture)}";

    public IStorageBackend Storage => storage;

    public async Task WriteRunAsync(DurableRunRecord run, CancellationToken cancellationToken = default) =>
        await storage.WriteAsync(RunKey(run.RunId), JsonSerializer.SerializeToUtf8Bytes(run, AgentOSJsonContext.Default.DurableRunRecord), cancellationToken).ConfigureAwait(false);

    public async Task<DurableRunRecord?> ReadRunAsync(string runId, CancellationToken cancellationToken = default) =>
        await storage.ReadAsync(RunKey(runId), cancellationToken: cancellationToken).ConfigureAwait(false) is { } value
            ? JsonSerializer.Deserialize(value.Data.Span, AgentOSJsonContext.Default.DurableRunRecord)
            : null;

    /// <summary>Every run's record, oldest first.</summary>
    public async Task<IReadOnlyList<DurableRunRecord>> ListRunsAsync(CancellationToken cancellationToken = default)
    {
        var runs = new List<DurableRunRecord>();
        foreach (var entry in await storage.ListAsync(Root, cancellationToken).ConfigureAwait(false))
        {
            if (entry.Path.EndsWith("/run", StringComparison.Ordinal) && await ReadRunAsync(entry.Path[Root.Length..^"/run".Length], cancellationToken).ConfigureAwait(false) is { } run)
            {
                runs.Add(run);
            }
        }
        return [.. runs.OrderBy(r => r.Created).ThenBy(r => r.RunId, StringComparer.Ordinal)];
    }

    public async Task WriteStepAsync(string runId, DurableStepRecord step, CancellationToken cancellationToken = default) =>
        await storage.WriteAsync(StepKey(runId, step.Step), JsonSerializer.SerializeToUtf8Bytes(step, AgentOSJsonContext.Default.DurableStepRecord), cancellationToken).ConfigureAwait(false);

    public async Task DeleteStepAsync(string runId, int step, CancellationToken cancellationToken = default) =>
        await storage.DeleteAsync(StepKey(runId, step), cancellationToken).ConfigureAwait(false);

    /// <summary>The run's journaled steps by number.</summary>
    public async Task<Dictionary<int, DurableStepRecord>> ReadStepsAsync(string runId, CancellationToken cancellationToken = default)
    {
        var steps = new Dictionary<int, DurableStepRecord>();
        foreach (var entry in await storage.ListAsync($"{Root}{runId}/steps/", cancellationToken).ConfigureAwait(false))
        {
            if (await storage.ReadAsync(entry.Path, cancellationToken: cancellationToken).ConfigureAwait(false) is { } value
                && JsonSerializer.Deserialize(value.Data.Span, AgentOSJsonContext.Default.DurableStepRecord) is { } step)
            {
                steps[step.Step] = step;
            }
        }
        return steps;
    }

    /// <summary>Drops a completed run's steps and workspace checkpoints; its run record stays.</summary>
    public async Task TrimAsync(string runId, CancellationToken cancellationToken = default)
    {
        foreach (string folder in new[] { "steps/", "workspace/" })
        {
            foreach (var entry in await storage.ListAsync($"{Root}{runId}/{folder}", cancellationToken).ConfigureAwait(false))
            {
                await storage.DeleteAsync(entry.Path, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
