using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using AgentOS.Access;
using AgentOS.Computer;
using AgentOS.Computer.Network;
using AgentOS.Computer.Sandbox;
using AgentOS.Computer.Sessions;
using AgentOS.Events;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Computer.Network;

/// <summary>
/// A session manager whose agents have network grants, two real servers on 127.0.0.1 (P1 answers "hello from P1"
/// and records each request; P2 only counts connections, so a refusal that still connected would show), the events
/// the proxy published and the audit it wrote.
/// </summary>
internal sealed class ProxyFixture : IAsyncDisposable
{
    private readonly string _root = Path.Combine("/tmp", "agentos-net-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly TcpListener _p2 = new(IPAddress.Loopback, 0);
    private readonly EventSubscription _subscription;
    private int _p2Connections;

    public ProxyFixture(bool sandboxed, Func<int, int, Dictionary<string, string[]>> grants, Action<NetworkOptions>? configure = null, Func<RecordedRequest, HttpExchange, Task>? p1 = null)
    {
        P1 = new ScriptedHttpServer(p1 ?? ((request, exchange) => exchange.RespondAsync(200, $"hello from P1 {request.Path}", "text/plain")));
        _p2.Start();
        _ = CountP2Async();
        var options = new ComputerOptions { Limits = new SandboxLimits { DiskBytes = 8L << 20, Processes = 64, MemoryBytes = 1L << 30 } };
        configure?.Invoke(options.Network);
        var byAgent = grants(P1.Port, P2).ToDictionary(g => g.Key, g => NetworkAllowList.Parse(g.Value, g.Key));
        Audit = AuditLog.InMemory();
        Events = new EventBus();
        _subscription = Events.Subscribe<NetworkEvent>(e => NetworkEvents.Enqueue(e));
        ISandbox sandbox = sandboxed && OperatingSystem.IsLinux() ? new BubblewrapSandbox(Path.Combine(_root, "sandboxed")) : new UnisolatedSandbox(Path.Combine(_root, "unisolated"));
        Manager = new SessionManager(sandbox, options, TimeProvider.System, Events, Audit, network: agent => byAgent.GetValueOrDefault(agent));
    }

    public ScriptedHttpServer P1 { get; }

    public int P2 => ((IPEndPoint)_p2.LocalEndpoint).Port;

    /// <summary>TCP connections P2 has accepted.</summary>
    public int P2Connections => Volatile.Read(ref _p2Connections);

    public SessionManager Manager { get; }

    public AuditLog Audit { get; }

    public EventBus Events { get; }

    public ConcurrentQueue<NetworkEvent> NetworkEvents { get; } = new();

    /// <summary>Waits until the bus has delivered an event matching <paramref name="match"/> (deliveries are async).</summary>
    public async Task<NetworkEvent> EventAsync(Func<NetworkEvent, bool> match)
    {
        for (int i = 0; i < 500; i++)
        {
            foreach (var e in NetworkEvents)
            {
                if (match(e))
                {
                    return e;
                }
            }
            await Task.Delay(10);
        }
        throw new TimeoutException($"No matching network event; seen: {string.Join(" | ", NetworkEvents)}");
    }

    /// <summary>The proxy's port on the host (unisolated sessions reach it on loopback).</summary>
    public static int ProxyPort(ComputerSession session) => new Uri(session.ProxyUrl!).Port;

    /// <summary>Sends <paramref name="request"/> to the proxy and reads until it closes.</summary>
    public static async Task<string> SendAsync(int proxyPort, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, proxyPort);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, n);
            }
        }
        catch (IOException)
        {
            // a connection the proxy cut (its byte allowance) ends in a reset: what arrived before it is the answer
        }
        return Encoding.Latin1.GetString(received.ToArray());
    }

    /// <summary>The status line's code of a proxy answer.</summary>
    public static int Status(string response) => int.Parse(response.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);

    private async Task CountP2Async()
    {
        try
        {
            while (true)
            {
                using var client = await _p2.AcceptTcpClientAsync();
                Interlocked.Increment(ref _p2Connections);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // the listener stopped
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Manager.DisposeAsync();
        _subscription.Dispose();
        await Events.DisposeAsync();
        Audit.Dispose();
        _p2.Stop();
        await P1.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
