using AgentOS.Computer.Browser;
using AgentOS.Computer.Code;
using AgentOS.Computer.Documents;
using AgentOS.Computer.Sessions;

namespace AgentOS.Kernel;

public sealed partial class AgentKernel
{
    /// <summary>Computer-use sessions, when <see cref="KernelOptions.Computer"/> asks for them (else
    /// <see langword="null"/>). Its <see cref="SessionManager.Resolver"/> is what the code and document tools use.</summary>
    public SessionManager? Sessions { get; }

    // The code tool's interpreters (one per session and language), stopped with their session and with the kernel.
    private CodeInterpreterPool? _codeInterpreters;

    internal CodeInterpreterPool? CodeInterpreters => _codeInterpreters;

    // The sessions' browsers (browser.*), closed with their session and with the kernel.
    private BrowserPool? _browsers;

    internal BrowserPool? Browsers => _browsers;

    // Sessions are a resource like the others: their tools go through the tool queue and the access manager (a grant
    // names them; max_sessions and session_disk_bytes limit them), their events on the bus, refusals in the audit.
    private SessionManager? CreateSessions(KernelOptions options)
    {
        if (options.Computer is not { } computer)
        {
            return null;
        }
        var sandbox = computer.CreateSandbox(options.DataDirectory);
        var sessions = new SessionManager(sandbox, computer, Time, Events, _audit, _access.SessionGrants, _storage, _access.NetworkGrant);
        sessions.RegisterTools(Tools);
        DocumentTools.Register(Tools, sessions.Resolver, Time, computer.Documents);
        var code = CodeTools.Register(Tools, sessions.Resolver, Time, computer.Code);
        // The session's processes are already killed; this only reaps the pool's interpreter slots, which cannot fail
        // the destroy, so it runs on its own.
        sessions.Destroyed += id => _ = code.CloseSessionAsync(id);
        _codeInterpreters = code;
        var browsers = BrowserTools.Register(Tools, sessions.Resolver, Time, computer.Browser);
        sessions.Destroyed += id => _ = browsers.CloseSessionAsync(id);
        _browsers = browsers;
        return sessions;
    }
}
