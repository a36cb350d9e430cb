using AgentOS.Computer.Sessions;
using AgentOS.Storage;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;
using AgentOS.Tools;

namespace AgentOS.Reactor;

/// <summary>
/// Runs durable agents over their journals: each attempt runs the agent's code through a <see cref="DurablePort"/>; a
/// fault restarts it (the <c>durable</c> playbook, up to <c>max_attempts</c> runs); a kernel stopping or dying leaves
/// the run unfinished in the journal for the next kernel to resume.
/// </summary>
internal sealed class DurableRuns(IStorageBackend storage, ToolRegistry tools, SessionManager? sessions, TimeProvider time, DurablePlaybook? playbook, Func<bool> stopping)
{
    public DurableJournal Journal { get; } = new(storage);

    public ToolRegistry Tools => tools;

    /// <summary>The playbook, when the Reactor runs it.</summary>
    public DurablePlaybook? Playbook => playbook is { Enabled: true } ? playbook : null;

    /// <summary>Starts a resumed run in the background (the kernel's, set once it is built).</summary>
    public Action<DurableRunRecord>? Resume { get; set; }

    private int MaxAttempts => Playbook?.Options.MaxAttempts ?? 1;

    public DurableRunRecord NewRun(string agent, string input)
    {
        var now = time.GetUtcNow();
        return new DurableRunRecord { RunId = "r" + Guid.NewGuid().ToString("N")[..20], Agent = agent, Input = input, State = DurableRunState.Running, Created = now, Updated = now };
    }

    /// <summary>Runs (or resumes) <paramref name="record"/> until it completes, pauses, fails, or the kernel stops.</summary>
    /// <param name="record">The run as journaled (a new one has no attempts yet).</param>
    /// <param name="inner">The kernel's port.</param>
    /// <param name="runOnce">Creates the agent and runs it once with a context over the given port.</param>
    /// <param name="cut">Why a resumed run is restarting (a kernel restart); <see langword="null"/> for a new run.</param>
    /// <param name="cancellationToken">The caller's.</param>
    public async Task<string> RunAsync(DurableRunRecord record, IKernelPort inner, Func<IKernelPort, CancellationToken, Task<string>> runOnce, string? cut, CancellationToken cancellationToken)
    {
        long @case = 0;
        if (cut is not null && Playbook is { } resumed)
        {
            @case = resumed.Restarting(record, cut, 0, record.Attempts + 1);
        }
        while (true)
        {
            record = record with { Attempts = record.Attempts + 1, State = DurableRunState.Running, Updated = time.GetUtcNow() };
            await Journal.WriteRunAsync(record, cancellationToken).ConfigureAwait(false);
            var steps = await Journal.ReadStepsAsync(record.RunId, cancellationToken).ConfigureAwait(false);
            var (attempt, caseNow) = (record, @case);
            var context = new DurableRunContext(this, record, steps)
            {
                Workspace = sessions is null ? null : new DurableWorkspace(sessions, record.RunId, record.Agent, Playbook?.Options.WorkspaceMaxBytes ?? new DurablePlaybookOptions().WorkspaceMaxBytes,
                    (stage, detail) => Playbook?.Report(attempt, caseNow, stage, detail)),
            };
            var port = new DurablePort(context, inner);
            string result;
            try
            {
                result = await runOnce(port, cancellationToken).ConfigureAwait(false);
            }
            catch (DurableRunException ex)
            {
                record = record with { State = ex.Diverged ? DurableRunState.Failed : DurableRunState.Paused, Error = ex.Message, InDoubtStep = ex.Step, InDoubtApproved = false, Updated = time.GetUtcNow() };
                await Journal.WriteRunAsync(record, CancellationToken.None).ConfigureAwait(false);
                Escalate(record, @case, ex);
                throw;
            }
            catch (Exception ex) when (stopping() || ex is KernelStoppingException)
            {
                throw; // the kernel is going away: the run stays unfinished in the journal, and the next kernel resumes it
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                record = record with { State = DurableRunState.Failed, Error = "cancelled by its caller", Updated = time.GetUtcNow() };
                await Journal.WriteRunAsync(record, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
            catch (Exception ex) when (record.Attempts < MaxAttempts && Playbook is { } restart)
            {
                @case = restart.Restarting(record, $"its agent faulted after {port.Replayed + port.Executed} steps: {ex.GetType().Name}: {ex.Message}", @case, record.Attempts + 1);
                continue;
            }
            catch (Exception ex)
            {
                record = record with { State = DurableRunState.Failed, Error = $"{ex.GetType().Name}: {ex.Message}", Updated = time.GetUtcNow() };
                await Journal.WriteRunAsync(record, CancellationToken.None).ConfigureAwait(false);
                var failed = record;
                Playbook?.Escalate(record, @case, $"gave up after {record.Attempts} attempts: {record.Error}",
                    $"durable run {record.RunId} of agent '{record.Agent}' faulted {record.Attempts} times (reactor.durable.max_attempts {MaxAttempts}); last error: {record.Error}. Approve to run it again from its journal.",
                    approved => Retry(failed, approved));
                throw;
            }
            record = record with { State = DurableRunState.Completed, Result = result, Error = null, InDoubtStep = null, InDoubtApproved = false, Updated = time.GetUtcNow() };
            await Journal.WriteRunAsync(record, CancellationToken.None).ConfigureAwait(false);
            // Bounded: only the run record (and its result) outlives the run.
            await Journal.TrimAsync(record.RunId, CancellationToken.None).ConfigureAwait(false);
            if (sessions is not null)
            {
                await DurableWorkspace.TrimAsync(storage, record.Agent, record.RunId, CancellationToken.None).ConfigureAwait(false);
            }
            Playbook?.Completed(record, @case, port.Replayed, port.Executed);
            return result;
        }
    }

    /// <summary>Sends a paused or diverged run to the approver again (a restarted kernel's approver never saw it).</summary>
    public void Reescalate(DurableRunRecord record) =>
        Escalate(record, 0, new DurableRunException(record.Error ?? "paused", record.RunId, record.InDoubtStep ?? 0, record.State == DurableRunState.Failed));

    private void Escalate(DurableRunRecord record, long @case, DurableRunException ex)
    {
        if (Playbook is not { } playbook)
        {
            return; // no Reactor: the caller has the typed error, the journal the paused run
        }
        string reason = ex.Diverged ? $"diverged from its journal at step {ex.Step}" : $"step {ex.Step} was cut while it ran and may have acted";
        playbook.Escalate(record, @case, reason, ex.Message, approved =>
        {
            if (!approved)
            {
                return; // stays paused (or failed) in the journal
            }
            _ = ApprovedAsync(record, ex);
        });
    }

    private async Task ApprovedAsync(DurableRunRecord record, DurableRunException ex)
    {
        if (ex.Diverged)
        {
            // Discard the journal from the diverging step on: the agent goes on live from there.
            foreach (int step in (await Journal.ReadStepsAsync(record.RunId).ConfigureAwait(false)).Keys.Where(s => s >= ex.Step))
            {
                await Journal.DeleteStepAsync(record.RunId, step).ConfigureAwait(false);
            }
        }
        record = record with { State = DurableRunState.Running, InDoubtApproved = !ex.Diverged, Updated = time.GetUtcNow() };
        await Journal.WriteRunAsync(record).ConfigureAwait(false);
        Resume?.Invoke(record);
    }

    private void Retry(DurableRunRecord record, bool approved)
    {
        if (approved)
        {
            Resume?.Invoke(record with { Attempts = 0, State = DurableRunState.Running });
        }
    }
}
