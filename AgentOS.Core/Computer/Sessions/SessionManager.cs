using System.Collections.Concurrent;
using System.Security.Cryptography;
using AgentOS.Access;
using AgentOS.Computer.Sandbox;
using AgentOS.Events;
using AgentOS.Storage;
using AgentOS.Syscalls.Errors;

namespace AgentOS.Computer.Sessions;

/// <summary>
/// Computer-use sessions as a kernel resource: created, used and destroyed through tool syscalls (so they queue on the
/// tool queue and pass the access manager's grant and budget checks), owned by the calling agent, limited per agent
/// (sessions at once, workspace bytes), reported on the event bus, recorded in the audit log, expired when idle, and
/// listed in the kernel's status.
/// </summary>
/// <remarks>Thread-safe. Disposing it destroys every session.</remarks>
public sealed partial class SessionManager : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ComputerSession> _sessions = new(StringComparer.Ordinal);
    private readonly Lock _creation = new();
    private readonly Dictionary<string, int> _reserved = new(StringComparer.Ordinal);
    private readonly ComputerOptions _options;
    private readonly TimeProvider _time;
    private readonly EventChannel<SessionEvent>? _events;
    private readonly AuditLog? _audit;
    private readonly Func<string, (int? MaxSessions, long? DiskBytes)?> _grants;
    private readonly IStorageBackend? _storage;
    private readonly ITimer _expiry;
    private int _disposed;

    /// <summary>Creates the manager.</summary>
    /// <param name="sandbox">The provider; the manager disposes it.</param>
    /// <param name="options">Limits, idle timeout, command timeouts, output cap.</param>
    /// <param name="time">The clock for idle expiry and command timeouts.</param>
    /// <param name="events">Where <see cref="SessionEvent"/>s go (registered as <see cref="SessionEvent.TypeName"/>).</param>
    /// <param name="audit">Where session refusals and the no-isolation opt-in are recorded.</param>
    /// <param name="grants">An agent's session grants (null for an unknown agent); default: the options' defaults for everyone.</param>
    /// <param name="storage">Where workspace snapshots go; without it snapshots are refused.</param>
    /// <param name="network">Where an agent's sessions may connect through the kernel's proxy (null or empty: no
    /// network); default: nowhere, for everyone.</param>
    public SessionManager(ISandbox sandbox, ComputerOptions options, TimeProvider time, EventBus? events = null, AuditLog? audit = null,
        Func<string, (int? MaxSessions, long? DiskBytes)?>? grants = null, IStorageBackend? storage = null, Func<string, NetworkAllowList?>? network = null)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        options.Validate();
        Sandbox = sandbox;
        _options = options;
        _time = time;
        _audit = audit;
        _grants = grants ?? (_ => (null, null));
        _storage = storage;
        if (events is not null)
        {
            events.Types.Register(SessionEvent.TypeName, Serialization.AgentOSJsonContext.Default.SessionEvent);
            _events = events.GetChannel<SessionEvent>();
        }
        _network = network ?? (_ => NetworkAllowList.None);
        _networkEvents = NetworkChannel(events);
        if (!sandbox.Isolated)
        {
            // Never silent: the opt-in is in the audit log, durably, before any session can exist.
            audit?.RecordDurable(new AuditRecord(time.GetUtcNow(), "kernel", ResourceKind.Tool, AccessOperation.Call, "computer.sandbox",
                AuditDecision.Allowed, Message: sandbox.Description));
        }
        var period = options.IdleTimeout / 4;
        _expiry = time.CreateTimer(_ => ExpireIdle(), null, period, period);
    }

    /// <summary>The sandbox provider.</summary>
    public ISandbox Sandbox { get; }

    /// <summary>The settings.</summary>
    public ComputerOptions Options => _options;

    /// <summary>Finds a session for a tool call's caller (the seam the code and document tools use).</summary>
    public SessionResolver Resolver => (caller, sessionId) => Get(caller.AgentId, sessionId);

    /// <summary>Raised with a session's id once it is destroyed and its processes are killed, so that tools keeping
    /// state per session (the code tool's interpreters) let go of it.</summary>
    public event Action<string>? Destroyed;

    /// <summary>The provider and every live session.</summary>
    public ComputerStatus Status => new(Sandbox.Name, Sandbox.Isolated, Sandbox.Description, List(null));

    /// <summary>
    /// Creates a session for <paramref name="agentId"/>: a sandbox with a capped workspace and a running shell.
    /// </summary>
    /// <param name="agentId">The owner.</param>
    /// <param name="diskBytes">A smaller workspace than the agent may have, or null for its grant.</param>
    /// <param name="cancellationToken">Cancels the shell's start (the half-made session is removed).</param>
    /// <exception cref="BudgetExceededException">The agent holds as many sessions as its grant allows, or asks for a
    /// bigger workspace than its grant.</exception>
    /// <exception cref="PermissionDeniedException">The agent is unknown.</exception>
    /// <exception cref="SandboxUnavailableException">The sandbox could not be made.</exception>
    public async Task<ComputerSession> CreateAsync(string agentId, long? diskBytes = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var grant = _grants(agentId) ?? throw Refuse(agentId, "", DenialReason.UnknownAgent, new PermissionDeniedException($"Agent '{agentId}' is not registered: register it before it creates sessions."));
        int maxSessions = grant.MaxSessions ?? _options.MaxSessions;
        long maxDisk = grant.DiskBytes ?? _options.Limits.DiskBytes;
        if (diskBytes is long asked && asked > maxDisk)
        {
            throw Refuse(agentId, "", DenialReason.BudgetExceeded, new BudgetExceededException($"A workspace of {asked} bytes is more than agent '{agentId}' may have ({maxDisk} bytes): ask for less, or grant session_disk_bytes in its group."));
        }
        if (diskBytes is <= 0)
        {
            throw new InvalidRequestException($"disk_bytes is {diskBytes}: give a positive size, or leave it out.");
        }
        lock (_creation)
        {
            int held = _reserved.GetValueOrDefault(agentId);
            if (held >= maxSessions)
            {
                Publish(new SessionEvent("", agentId, SessionStage.LimitHit, _time.GetUtcNow(), $"max_sessions {maxSessions}"));
                throw Refuse(agentId, "", DenialReason.BudgetExceeded, new BudgetExceededException($"Agent '{agentId}' already holds {held} sessions, its limit (max_sessions {maxSessions}): destroy one with session.destroy first."));
            }
            _reserved[agentId] = held + 1;
        }
        ComputerSession? session = null;
        try
        {
            string id = NewId();
            var limits = _options.Limits with { DiskBytes = diskBytes ?? maxDisk };
            var instance = Sandbox.Create(id, limits);
            session = new ComputerSession(id, agentId, Sandbox, instance, _time);
            StartProxy(session);
            await session.ShellAsync(cancellationToken).ConfigureAwait(false);
            _sessions[id] = session;
            Publish(new SessionEvent(id, agentId, SessionStage.Created, _time.GetUtcNow(), Sandbox.Name));
            return session;
        }
        catch
        {
            session?.Close();
            Release(agentId);
            throw;
        }
    }

    /// <summary>The caller's session <paramref name="sessionId"/>.</summary>
    /// <exception cref="InvalidRequestException">No such session, or it belongs to another agent (the same message
    /// either way, so ids cannot be probed; the attempt is a <see cref="SessionStage.Violation"/> and is audited).</exception>
    public ComputerSession Get(string agentId, string sessionId)
    {
        if (!string.IsNullOrEmpty(sessionId) && _sessions.TryGetValue(sessionId, out var session))
        {
            if (session.OwnerAgentId == agentId)
            {
                session.Touch();
                return session;
            }
            Publish(new SessionEvent(sessionId, agentId, SessionStage.Violation, _time.GetUtcNow(), $"agent '{agentId}' named a session of another agent"));
            Refuse(agentId, sessionId, DenialReason.NotGranted, null);
        }
        throw new InvalidRequestException($"Agent '{agentId}' has no session '{sessionId}': create one with session.create, or list yours with session.list.");
    }

    /// <summary>Destroys the caller's session: kills its processes and removes its workspace.</summary>
    /// <exception cref="InvalidRequestException">No such session of the caller's.</exception>
    public void Destroy(string agentId, string sessionId, string reason = "destroyed by its owner")
    {
        var session = Get(agentId, sessionId);
        Remove(session, reason);
    }

    /// <summary>Live sessions, of one agent or (<see langword="null"/>) of all.</summary>
    public IReadOnlyList<SessionStatus> List(string? agentId) =>
        [.. _sessions.Values.Where(s => agentId is null || s.OwnerAgentId == agentId).OrderBy(s => s.Created).ThenBy(s => s.Id, StringComparer.Ordinal).Select(Describe)];

    /// <summary>Destroys sessions idle longer than <see cref="ComputerOptions.IdleTimeout"/> (not while a command runs).</summary>
    public int ExpireIdle()
    {
        int expired = 0;
        foreach (var session in _sessions.Values)
        {
            if (!session.Busy && session.Idle >= _options.IdleTimeout)
            {
                Remove(session, $"idle for {_options.IdleTimeout}");
                expired++;
            }
        }
        return expired;
    }

    /// <summary>Destroys every session and the provider's leftovers.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return ValueTask.CompletedTask;
        }
        _expiry.Dispose();
        foreach (var session in _sessions.Values)
        {
            Remove(session, "the kernel stopped");
        }
        Sandbox.Dispose();
        return ValueTask.CompletedTask;
    }

    private SessionStatus Describe(ComputerSession s)
    {
        long disk;
        try
        {
            disk = s.Instance.DiskBytesUsed();
        }
        catch (IOException)
        {
            disk = -1;
        }
        return new SessionStatus(s.Id, s.OwnerAgentId, Sandbox.Name, Sandbox.Isolated, s.Created, Math.Round(s.Idle.TotalSeconds, 3), s.Commands, s.Busy, disk, s.Limits.DiskBytes);
    }

    private void Remove(ComputerSession session, string reason)
    {
        if (!_sessions.TryRemove(new KeyValuePair<string, ComputerSession>(session.Id, session)))
        {
            return;
        }
        session.Close();
        Release(session.OwnerAgentId);
        Destroyed?.Invoke(session.Id);
        Publish(new SessionEvent(session.Id, session.OwnerAgentId, SessionStage.Destroyed, _time.GetUtcNow(), reason));
    }

    private void Release(string agentId)
    {
        lock (_creation)
        {
            int held = _reserved.GetValueOrDefault(agentId) - 1;
            if (held <= 0)
            {
                _reserved.Remove(agentId);
            }
            else
            {
                _reserved[agentId] = held;
            }
        }
    }

    private Exception Refuse(string agentId, string sessionId, DenialReason reason, Exception? error)
    {
        _audit?.RecordDurable(new AuditRecord(_time.GetUtcNow(), agentId, ResourceKind.Tool, AccessOperation.Call,
            sessionId.Length == 0 ? "session.create" : $"session:{sessionId}", AuditDecision.Denied, reason, error?.Message ?? "named another agent's session"));
        return error!;
    }

    private void Publish(SessionEvent e) => _events?.Publish(e);

    private static string NewId() => "s-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
}
