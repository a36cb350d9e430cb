using System.Collections.Concurrent;

namespace AgentOS.Access;

/// <summary>
/// Decides, for every syscall, whether the agent may do it: identity, capabilities from its privilege groups,
/// storage path safety, budgets (calls and tokens per window, syscalls in flight), and approval for irreversible
/// operations; and records every decision in the <see cref="AuditLog"/>.
/// </summary>
/// <remarks>
/// <para><b>The hot path.</b> <see cref="Check"/> (and <see cref="AuthorizeAsync"/> when it allows at once) takes no
/// lock, does no I/O and allocates nothing: a lock-free dictionary read, frozen-set or prefix lookups, one
/// compare-and-swap per limited budget, one interlocked increment for the in-flight count, and one lock-free publish of
/// the audit record. Safe from any number of threads.</para>
/// <para><b>Budgets</b> count in fixed windows of <see cref="AccessPolicy.BudgetWindow"/>, numbered from the moment
/// the manager was created on its <see cref="TimeProvider"/>. A call is allowed while the window's count stays at or
/// under the limit, so with five calls per window the fifth is allowed and the sixth denied, with
/// <see cref="AccessDecision.RetryAfter"/> = the time until the window ends. (A fixed window admits up to twice the
/// limit in a short span that straddles a boundary; a sliding log would not, but needs a timestamp per call and a
/// lock. The calls budget counts every syscall; the tokens budget counts <see cref="AccessRequest.EstimatedTokens"/>
/// at the check, corrected to the actual count by <see cref="Complete"/>, and an LLM request is denied once the
/// window's tokens are used up even if it estimates none.)</para>
/// <para><b>The life of a syscall.</b> Allowed: the syscall holds an in-flight slot until <see cref="Complete"/>,
/// which the caller must call exactly once. Denied: nothing is held.</para>
/// </remarks>
public sealed partial class AccessManager
{
    private readonly ConcurrentDictionary<string, AgentState> _agents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _idsIgnoringCase = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _registration = new();
    private readonly Dictionary<string, PrivilegeGroup> _groups;
    private readonly IApprover _approver;
    private readonly AuditLog _audit;
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly long _originUtcTicks;
    private readonly long _windowTicks;
    private readonly bool _timestampsAreTicks;      // the clock counts in TimeSpan ticks (the manual clock does)
    private readonly double _ticksPerTimestamp;     // otherwise, this converts (precomputed: TimeProvider.GetElapsedTime
                                                    // divides and calls two virtuals per read, a third of a Check)
    private long _currentWindow;                    // a cache of the window number, so a Check rarely divides
    private long _lastApprovalId;

    /// <summary>Creates a manager and registers the policy's agents.</summary>
    /// <param name="policy">Groups, agents, budget window, approval timeout; validated here.</param>
    /// <param name="approver">Who approves irreversible operations (<see cref="DenyAllApprover.Instance"/> to refuse them all).</param>
    /// <param name="audit">Where decisions are recorded. The manager does not own it: dispose it after the manager's last use.</param>
    /// <param name="time">The clock for budget windows, approval timeouts and audit times.</param>
    /// <exception cref="AccessPolicyException">The policy is inconsistent.</exception>
    public AccessManager(AccessPolicy policy, IApprover approver, AuditLog audit, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(approver);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(time);
        policy.Validate();
        Policy = policy;
        _groups = policy.Groups.ToDictionary(g => g.Name, g => g.Snapshot(), StringComparer.Ordinal);
        _approver = approver;
        _audit = audit;
        _time = time;
        _origin = time.GetTimestamp();
        _timestampsAreTicks = time.TimestampFrequency == TimeSpan.TicksPerSecond;
        _ticksPerTimestamp = (double)TimeSpan.TicksPerSecond / time.TimestampFrequency;
        _originUtcTicks = time.GetUtcNow().UtcTicks;
        _windowTicks = policy.BudgetWindow.Ticks;
        foreach (var agent in policy.Agents)
        {
            Register(agent);
        }
    }

    /// <summary>The policy the manager was created with (it works from a copy of the groups taken then).</summary>
    public AccessPolicy Policy { get; }

    /// <summary>Where decisions are recorded.</summary>
    public AuditLog Audit => _audit;

    /// <summary>How many agents are registered.</summary>
    public int AgentCount => _agents.Count;

    /// <summary>Registers an agent; from now on its syscalls are checked against its groups.</summary>
    /// <exception cref="ArgumentException">An agent with this id (ignoring case) is registered, or the agent names
    /// a group the policy does not define.</exception>
    public void Register(AgentIdentity agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var state = new AgentState(agent, AgentGrants.Compile(agent, _groups));
        lock (_registration)
        {
            if (_idsIgnoringCase.TryGetValue(agent.Id, out var existing))
            {
                throw new ArgumentException(existing == agent.Id
                    ? $"Agent '{agent.Id}' is already registered: Unregister it first to change its groups."
                    : $"Agent '{agent.Id}' differs only in case from registered agent '{existing}': their storage namespaces would share a folder on case-insensitive file systems. Choose another id.", nameof(agent));
            }
            _idsIgnoringCase.Add(agent.Id, agent.Id);
            _agents[agent.Id] = state;
        }
    }

    /// <summary>Removes an agent; its later syscalls are denied as unknown. Returns <see langword="false"/> if it was not registered.</summary>
    public bool Unregister(string agentId)
    {
        ArgumentNullException.ThrowIfNull(agentId);
        lock (_registration)
        {
            if (!_agents.TryRemove(agentId, out _))
            {
                return false;
            }
            _idsIgnoringCase.Remove(agentId);
            return true;
        }
    }

    /// <summary>The registered agent with this id (exact), or <see langword="null"/>.</summary>
    public AgentIdentity? Find(string agentId)
    {
        ArgumentNullException.ThrowIfNull(agentId);
        return _agents.TryGetValue(agentId, out var state) ? state.Identity : null;
    }

    /// <summary>The agent's budget use in the current window, or <see langword="null"/> if it is not registered.</summary>
    public AgentUsage? GetUsage(string agentId)
    {
        ArgumentNullException.ThrowIfNull(agentId);
        if (!_agents.TryGetValue(agentId, out var agent))
        {
            return null;
        }
        long elapsed = Elapsed();
        uint window = Window(elapsed);
        var grants = agent.Grants;
        return new AgentUsage(
            Volatile.Read(ref agent.InFlight),
            agent.Calls.UsedIn(window),
            agent.Tokens.UsedIn(window),
            grants.CallsPerWindow == AgentGrants.Unlimited ? null : grants.CallsPerWindow,
            grants.TokensPerWindow == AgentGrants.Unlimited ? null : grants.TokensPerWindow,
            grants.MaxConcurrent == int.MaxValue ? null : grants.MaxConcurrent,
            WindowRemaining(elapsed));
    }

    /// <summary>
    /// Decides at once, never waiting: allows (recording the decision in the next audit batch and reserving an
    /// in-flight slot and budget), or denies (recording the denial durably before returning, which blocks for a disk
    /// flush). An irreversible request is not decided here: the result is <see cref="DenialReason.ApprovalRequired"/>
    /// (<see cref="AccessDecision.NeedsApproval"/>), nothing is reserved or recorded, and the caller should use
    /// <see cref="AuthorizeAsync"/>.
    /// </summary>
    /// <exception cref="AuditLogException">A denial could not be recorded.</exception>
    public AccessDecision Check(in AccessRequest request)
    {
        var verdict = Decide(in request, approved: false);
        if (verdict.Reason == DenialReason.None)
        {
            RecordAllowed(in request, verdict.UtcTicks);
            return AccessDecision.Allow;
        }
        var denial = Deny(in request, in verdict);
        if (verdict.Reason != DenialReason.ApprovalRequired)
        {
            _audit.RecordDurable(DeniedRecord(in request, verdict.At, denial));
        }
        return denial;
    }

    /// <summary>
    /// Decides, asking the approver for irreversible requests. Allowed decisions return synchronously without
    /// allocating (recorded in the next audit batch); denials and approvals are flushed to the audit log before the
    /// task completes.
    /// </summary>
    /// <returns>The decision; cancelled (never thrown) when <paramref name="cancellationToken"/> is cancelled before
    /// the decision (a cancelled approval reserves nothing and records nothing).</returns>
    /// <exception cref="AuditLogException">A denial or approval could not be recorded.</exception>
    public ValueTask<AccessDecision> AuthorizeAsync(AccessRequest request, CancellationToken cancellationToken = default) =>
        AuthorizeAt(request, _time.GetTimestamp(), cancellationToken);

    /// <summary>
    /// <see cref="AuthorizeAsync"/> at <paramref name="timestamp"/>, a reading of this manager's clock
    /// (<see cref="Clock"/>) the caller has just taken for its own use: the syscall path stamps its envelope with the same
    /// reading, so a syscall reads the clock once for both.
    /// </summary>
    internal ValueTask<AccessDecision> AuthorizeAt(AccessRequest request, long timestamp, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<AccessDecision>(cancellationToken);
        }
        var verdict = Decide(in request, approved: false, ElapsedAt(timestamp));
        switch (verdict.Reason)
        {
            case DenialReason.None:
                RecordAllowed(in request, verdict.UtcTicks);
                return new(AccessDecision.Allow);
            case DenialReason.ApprovalRequired:
                return ApproveAsync(request, cancellationToken);
            default:
                return DenyDurablyAsync(request, verdict);
        }
    }

    /// <summary>
    /// Ends an allowed syscall: releases its in-flight slot and corrects the tokens budget from the estimate to
    /// <paramref name="tokensUsed"/> (the difference is charged to, or refunded from, the current window). Call it
    /// exactly once per allowed decision. Lock-free; a request of an agent no longer registered is ignored.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tokensUsed"/> is negative.</exception>
    public void Complete(in AccessRequest request, int tokensUsed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokensUsed);
        if (request.AgentId is null || !_agents.TryGetValue(request.AgentId, out var agent))
        {
            return;
        }
        ReleaseSlot(agent);
        if (agent.Grants.TokensPerWindow != AgentGrants.Unlimited && ChargesTokens(in request))
        {
            long delta = tokensUsed - (long)Math.Max(request.EstimatedTokens, 0);
            if (delta != 0)
            {
                agent.Tokens.Add(Window(Elapsed()), delta);
            }
        }
    }

    /// <summary>The clock the manager decides on: budgets' windows and audit times.</summary>
    internal TimeProvider Clock => _time;

    private long Elapsed() => ElapsedAt(_time.GetTimestamp());

    private long ElapsedAt(long timestamp)
    {
        long delta = timestamp - _origin;
        return _timestampsAreTicks ? delta : (long)(delta * _ticksPerTimestamp);
    }

    // Racy by design: each caller derives its window from its own clock read; the cache only saves the division.
    private uint Window(long elapsedTicks)
    {
        long window = Volatile.Read(ref _currentWindow);
        if ((ulong)(elapsedTicks - window * _windowTicks) >= (ulong)_windowTicks)
        {
            window = elapsedTicks / _windowTicks;
            Volatile.Write(ref _currentWindow, window);
        }
        return (uint)window;
    }

    private TimeSpan WindowRemaining(long elapsedTicks) => TimeSpan.FromTicks(_windowTicks - elapsedTicks % _windowTicks);

    private DateTimeOffset Now() => new(_originUtcTicks + Elapsed(), TimeSpan.Zero);

    private void RecordAllowed(in AccessRequest request, long utcTicks) =>
        _audit.RecordAllowedAt(utcTicks, request.AgentId, request.Resource, request.Operation, request.Target, request.EstimatedTokens, request.ActedBy);

    private static AuditRecord DeniedRecord(in AccessRequest request, DateTimeOffset at, AccessDecision denial, string? approver = null) =>
        new(at, request.AgentId ?? "", request.Resource, request.Operation, request.Target, AuditDecision.Denied,
            denial.Reason, denial.Message, request.EstimatedTokens, approver, request.ActedBy);
}
