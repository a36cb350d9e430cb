using AgentOS.Computer.Sessions;

namespace AgentOS.Kernel;

public sealed partial class AgentKernel
{
    /// <summary>Computer-use sessions, when <see cref="KernelOptions.Computer"/> asks for them (else
    /// <see langword="null"/>). Its <see cref="SessionManager.Resolver"/> is what the code and document tools use.</summary>
    public SessionManager? Sessions { get; }

    // Sessions are a resource like the others: their tools go through the tool queue and the access manager (a grant
    // names them; max_sessions and session_disk_bytes limit them), their events on the bus, refusals in the audit.
    private SessionManager? CreateSessions(KernelOptions options)
    {
        if (options.Computer is not { } computer)
        {
            return null;
        }
        var sandbox = computer.CreateSandbox(options.DataDirectory);
        var sessions = new SessionManager(sandbox, computer, Time, Events, _audit, _access.SessionGrants, _storage);
        sessions.RegisterTools(Tools);
        return sessions;
    }
}
