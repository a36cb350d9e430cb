using System.Collections.Concurrent;
using AgentOS.Reactor;
using AgentOS.Sdk;

namespace AgentOS.Kernel;

// Durable agents (docs/reactor.md, "durable"): runs journaled step by step in the kernel's storage, restarted from
// their journal after a fault or a kernel restart.
public sealed partial class AgentKernel
{
    private readonly ConcurrentDictionary<string, byte> _durableAgents = new(StringComparer.Ordinal);
    private readonly DurableRuns _durableRuns;

    /// <summary>
    /// Registers an agent whose runs are durable: every syscall its code makes is a step journaled in the kernel's
    /// storage (intent before it runs, result durably before the agent sees it). A run cut by a fault restarts from
    /// the journal (the Reactor's <c>durable</c> playbook, up to <c>reactor.durable.max_attempts</c> runs); one cut by the
    /// kernel's death resumes when a new kernel on the same data calls <see cref="ResumeDurableRunsAsync"/>. The agent's
    /// code must be deterministic given its steps' results: on a restart it runs again from the start and each
    /// journaled step returns its result without running.
    /// </summary>
    /// <exception cref="ArgumentException">The name is taken or invalid.</exception>
    public void RegisterDurableAgent(string name, Func<Agent> factory, IReadOnlyList<string>? groups = null, string description = "")
    {
        RegisterAgent(name, factory, groups, description);
        _durableAgents[name] = 0;
    }

    /// <summary>Whether runs of <paramref name="name"/> are durable.</summary>
    public bool IsDurable(string name) => _durableAgents.ContainsKey(name);

    /// <summary>Every durable run in the journal (completed ones keep their record and result), oldest first.</summary>
    public Task<IReadOnlyList<DurableRunRecord>> DurableRunsAsync(CancellationToken cancellationToken = default) =>
        _durableRuns.Journal.ListRunsAsync(cancellationToken);

    /// <summary>
    /// Resumes the durable runs a previous kernel on this data left unfinished, each in the background (its result is
    /// in <see cref="DurableRunsAsync"/> when it completes), and sends paused ones to the approver again. Call it once
    /// the durable agents are registered (<c>serve</c> does); runs of agents not registered stay in the journal. Does
    /// nothing unless the Reactor runs its <c>durable</c> playbook.
    /// </summary>
    /// <returns>How many runs were resumed.</returns>
    public async Task<int> ResumeDurableRunsAsync(CancellationToken cancellationToken = default)
    {
        if (_durableRuns.Playbook is null)
        {
            return 0;
        }
        int resumed = 0;
        foreach (var run in await _durableRuns.Journal.ListRunsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!_agents.ContainsKey(run.Agent))
            {
                continue;
            }
            if (run.State == DurableRunState.Running)
            {
                ResumeInBackground(run);
                resumed++;
            }
            else if (run.State == DurableRunState.Paused)
            {
                _durableRuns.Reescalate(run);
            }
        }
        return resumed;
    }

    // Also registers the config's agents, so a resume finds them.
    private DurableRuns CreateDurableRuns()
    {
        foreach (var agent in _options.Agents ?? [])
        {
            agent.Validate();
            if (agent.Durable)
            {
                RegisterDurableAgent(agent.Name, agent.Create, agent.Groups, agent.Description);
            }
            else
            {
                RegisterAgent(agent.Name, agent.Create, agent.Groups, agent.Description);
            }
        }
        return new(_storage, Tools, Sessions, Time, Reactor?.Durable, () => Volatile.Read(ref _stopped) != 0) { Resume = ResumeInBackground };
    }

    private void ResumeInBackground(DurableRunRecord run) =>
        // Its outcome is in the journal, the agent events and the Reactor's case; there is no caller to answer.
        _ = Task.Run(async () =>
        {
            try
            {
                await RunAgentCoreAsync(run.Agent, run.Input, CancellationToken.None, run).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Reported already: an agentos.agent failed event, and the run's record in the journal.
            }
        });

    private Task<string> RunDurableAsync(AgentRegistration registration, string input, DurableRunRecord? resume, CancellationToken cancellationToken) =>
        _durableRuns.RunAsync(resume ?? _durableRuns.NewRun(registration.Name, input), Port,
            (port, token) => RunOnceAsync(registration, port, input, token),
            resume is null ? null : "found unfinished in its journal (the kernel that ran it stopped or died)", cancellationToken);
}
