using System.Globalization;
using System.Net;
using AgentOS.Access;
using AgentOS.Computer.Network;
using AgentOS.Computer.Sandbox;
using AgentOS.Events;

namespace AgentOS.Computer.Sessions;

public sealed partial class SessionManager
{
    private readonly Func<string, NetworkAllowList?> _network;
    private readonly EventChannel<NetworkEvent>? _networkEvents;

    /// <summary>The kernel's own listeners, which no session reaches through the proxy whatever its grant (hosts add
    /// the endpoints they bind).</summary>
    public KernelEndpoints KernelEndpoints { get; } = new();

    /// <summary>How the proxy resolves names (tests map names to chosen addresses).</summary>
    internal Func<string, CancellationToken, Task<IPAddress[]>> Resolve { get; set; } = Dns.GetHostAddressesAsync;

    private static EventChannel<NetworkEvent>? NetworkChannel(EventBus? events)
    {
        if (events is null)
        {
            return null;
        }
        events.Types.Register(NetworkEvent.TypeName, Serialization.AgentOSJsonContext.Default.NetworkEvent);
        return events.GetChannel<NetworkEvent>();
    }

    // A session whose agent may reach something gets its own proxy: a Unix socket only the session's uid can open,
    // bound into its sandbox, or a loopback port when the session shares the host's network anyway.
    private void StartProxy(ComputerSession session)
    {
        var grant = _network(session.OwnerAgentId);
        if (grant is null || grant.IsEmpty)
        {
            return;
        }
        var options = _options.Network;
        var scope = new ProxyScope(session.Id, session.OwnerAgentId, grant, options, _time, Resolve, KernelEndpoints, _networkEvents, _audit);
        if (Sandbox.Isolated && OperatingSystem.IsLinux())
        {
            NetworkRelay.Require();
            string folder = Path.Combine(Path.GetDirectoryName(session.WorkspaceHostPath)!, ".net");
            Directory.CreateDirectory(folder);
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            string socket = Path.Combine(folder, session.Id + ".sock");
            session.Proxy = SessionProxy.ListenUnix(socket, session.Instance.HostUserId, scope);
            session.Instance.Proxy = new SandboxProxy(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{options.SandboxPort}"), socket, options.SandboxPort);
            return;
        }
        session.Proxy = SessionProxy.ListenLoopback(scope);
        var port = ((IPEndPoint)session.Proxy.EndPoint).Port;
        session.Instance.Proxy = new SandboxProxy(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"), null, 0);
    }
}
