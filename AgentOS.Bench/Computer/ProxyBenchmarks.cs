using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using AgentOS.Access;
using AgentOS.Bench.Harness;
using AgentOS.Computer;
using AgentOS.Computer.Sandbox;
using AgentOS.Computer.Sessions;

namespace AgentOS.Bench.Computer;

/// <summary>
/// The session network proxy's overhead against a direct loopback connection from outside any sandbox, same run:
/// a small HTTP GET (connect, request, whole response, close) through the proxy's absolute-form path beside the
/// same GET straight to the server; and a 64-byte round trip inside an open CONNECT tunnel beside the same round
/// trip on a direct connection (the relay's per-message cost, without connection set-up). The proxy is a session's
/// own, reached on its loopback port (an unisolated session), so only the proxy is measured, not a sandbox's relay.
/// </summary>
internal static class ProxyBenchmarks
{
    private static readonly byte[] Response = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");

    [Benchmark("computer.proxy.get", Kind = BenchKind.Latency, Baseline = "computer.proxy.get.direct", MultiThreaded = true, Runs = 5)]
    public static void GetThroughProxy(BenchRun run) => WithProxy((server, proxy) =>
        Measure(run, run.Size(1000, 200), () => GetAsync(proxy, $"GET http://127.0.0.1:{server}/ HTTP/1.1\r\nHost: 127.0.0.1:{server}\r\n\r\n")));

    [Benchmark("computer.proxy.get.direct", Kind = BenchKind.Latency, MultiThreaded = true, Runs = 5)]
    public static void GetDirect(BenchRun run) => WithProxy((server, _) =>
        Measure(run, run.Size(1000, 200), () => GetAsync(server, $"GET / HTTP/1.1\r\nHost: 127.0.0.1:{server}\r\n\r\n")));

    [Benchmark("computer.proxy.tunnel.roundtrip", Kind = BenchKind.Latency, Baseline = "computer.proxy.tunnel.roundtrip.direct", MultiThreaded = true, Runs = 5)]
    public static void TunnelRoundTrip(BenchRun run) => WithEcho((echo, proxy) => RoundTrips(run, proxy, $"CONNECT 127.0.0.1:{echo} HTTP/1.1\r\n\r\n"));

    [Benchmark("computer.proxy.tunnel.roundtrip.direct", Kind = BenchKind.Latency, MultiThreaded = true, Runs = 5)]
    public static void DirectRoundTrip(BenchRun run) => WithEcho((echo, _) => RoundTrips(run, echo, null));

    private static void Measure(BenchRun run, int n, Func<Task> operation) => Task.Run(() => MeasureAsync(run, n, 50, operation)).GetAwaiter().GetResult();

    private static async Task MeasureAsync(BenchRun run, int n, int warmUp, Func<Task> operation)
    {
        for (int i = 0; i < warmUp; i++)
        {
            await operation().ConfigureAwait(false);
        }
        run.Start();
        for (int i = 0; i < n; i++)
        {
            long start = Stopwatch.GetTimestamp();
            await operation().ConfigureAwait(false);
            run.Record(Stopwatch.GetTimestamp() - start);
        }
        run.Stop(n);
    }

    private static async Task GetAsync(int port, string request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None).ConfigureAwait(false);
        var buffer = new byte[4096];
        int total = 0;
        int n;
        while ((n = await socket.ReceiveAsync(buffer.AsMemory(total), SocketFlags.None).ConfigureAwait(false)) > 0)
        {
            total += n;
        }
        if (total != Response.Length || buffer[9] != (byte)'2')
        {
            throw new InvalidOperationException($"unexpected answer: {Encoding.ASCII.GetString(buffer, 0, total)}");
        }
    }

    private static void RoundTrips(BenchRun run, int port, string? connect) => Task.Run(async () =>
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
        var buffer = new byte[64];
        if (connect is not null)
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes(connect), SocketFlags.None).ConfigureAwait(false);
            var established = new byte[39];
            await ReceiveExactlyAsync(socket, established).ConfigureAwait(false);
        }
        var message = new byte[64];
        async Task Once()
        {
            await socket.SendAsync(message, SocketFlags.None).ConfigureAwait(false);
            await ReceiveExactlyAsync(socket, buffer).ConfigureAwait(false);
        }
        await MeasureAsync(run, run.Size(20000, 2000), 200, Once).ConfigureAwait(false);
    }).GetAwaiter().GetResult();

    private static async Task ReceiveExactlyAsync(Socket socket, byte[] buffer)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None).ConfigureAwait(false);
            if (n == 0)
            {
                throw new InvalidOperationException("the connection closed early");
            }
            read += n;
        }
    }

    // A session of an unisolated manager whose agent may reach 127.0.0.1 on any port: its proxy listens on loopback.
    private static void WithSessionProxy(Func<Socket, Task> serve, Action<int, int> body)
    {
        string root = Path.Combine(Path.GetTempPath(), "agentos-bench-proxy-" + Guid.NewGuid().ToString("N")[..8]);
        var grant = NetworkAllowList.Parse(["127.0.0.1:*"], "bench");
        var manager = new SessionManager(new UnisolatedSandbox(root), new ComputerOptions { Network = { MaxConnections = 1024, MaxBytes = long.MaxValue } }, TimeProvider.System, network: _ => grant);
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(512);
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                Socket client;
                try
                {
                    client = await listener.AcceptAsync(stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                _ = Task.Run(() => serve(client));
            }
        });
        try
        {
            var session = manager.CreateAsync("bench").GetAwaiter().GetResult();
            body(((IPEndPoint)listener.LocalEndPoint!).Port, new Uri(session.ProxyUrl!).Port);
        }
        finally
        {
            stop.Cancel();
            accepting.Wait();
            manager.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static void WithProxy(Action<int, int> body) => WithSessionProxy(async client =>
    {
        using (client)
        {
            var buffer = new byte[4096];
            int read = 0;
            while (read < buffer.Length)
            {
                int n = await client.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None).ConfigureAwait(false);
                if (n == 0)
                {
                    return;
                }
                read += n;
                if (buffer.AsSpan(0, read).IndexOf("\r\n\r\n"u8) >= 0)
                {
                    break;
                }
            }
            await client.SendAsync(Response, SocketFlags.None).ConfigureAwait(false);
            client.Shutdown(SocketShutdown.Both);
        }
    }, body);

    private static void WithEcho(Action<int, int> body) => WithSessionProxy(async client =>
    {
        using (client)
        {
            var buffer = new byte[4096];
            int n;
            while ((n = await client.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false)) > 0)
            {
                await client.SendAsync(buffer.AsMemory(0, n), SocketFlags.None).ConfigureAwait(false);
            }
        }
    }, body);
}
