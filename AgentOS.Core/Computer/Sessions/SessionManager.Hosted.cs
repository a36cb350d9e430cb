namespace AgentOS.Computer.Sessions;

// Sessions the kernel itself holds for processes it hosts on agents' behalf (a stdio MCP server configured with
// sandbox: true): the same sandbox, workspace and limits as an agent's session, but owned by a name no agent can have
// (agent ids never contain ':'), outside agents' grants and quotas, and never expired as idle — the process in it is
// meant to run for as long as the kernel offers its tools.
public sealed partial class SessionManager
{
    /// <summary>Creates a session held by the kernel for <paramref name="owner"/> (for example <c>mcp:fs</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="owner"/> could be an agent's id (it must contain ':').</exception>
    /// <exception cref="Sandbox.SandboxUnavailableException">The sandbox could not be made.</exception>
    internal ComputerSession CreateHosted(string owner)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        if (!owner.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException($"A kernel-held session's owner '{owner}' must contain ':', so no agent can name it.", nameof(owner));
        }
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        string id = NewId();
        var session = new ComputerSession(id, owner, Sandbox, Sandbox.Create(id, _options.Limits), _time) { Hosted = true };
        lock (_creation)
        {
            _reserved[owner] = _reserved.GetValueOrDefault(owner) + 1;
        }
        _sessions[id] = session;
        Publish(new SessionEvent(id, owner, SessionStage.Created, _time.GetUtcNow(), Sandbox.Name));
        return session;
    }

    /// <summary>Whether <paramref name="session"/> is still live (not destroyed).</summary>
    internal bool IsLive(ComputerSession session) => _sessions.TryGetValue(session.Id, out var live) && ReferenceEquals(live, session);
}
