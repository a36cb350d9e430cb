using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using AgentOS.Access;
using AgentOS.Bench.Harness;
using AgentOS.Computer;
using AgentOS.Computer.Browser;
using AgentOS.Computer.Browser.Cdp;
using AgentOS.Computer.Sandbox;
using AgentOS.Computer.Sessions;
using AgentOS.Kernel;
using AgentOS.Sdk;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Bench.Computer.Browser;

/// <summary>
/// The browser tool through the kernel's tool syscalls, in bubblewrap sessions whose grant allows one local page
/// server (reached through the session's proxy): <c>computer.browser.ready</c> times a new session's first page
/// (session.create → browser.navigate, which starts Chromium in the sandbox → browser.text returned);
/// <c>computer.browser.click_read</c> times a click on a loaded page followed by reading the text it changed.
/// </summary>
internal static class BrowserBenchmarks
{
    private const string Page = "<!doctype html><title>bench</title><p id=\"t\">count 0</p><button id=\"b\" onclick=\"document.getElementById('t').textContent = 'count ' + (++window.n || (window.n = 1))\">Add</button>";

    [Benchmark("computer.browser.ready", Kind = BenchKind.Latency, MultiThreaded = true, Runs = 3)]
    public static void Ready(BenchRun run) => WithKernel((agent, url) =>
    {
        int n = run.Size(10, 3);
        Task.Run(async () =>
        {
            run.Start();
            for (int i = 0; i < n; i++)
            {
                long start = Stopwatch.GetTimestamp();
                var id = await CreateAsync(agent).ConfigureAwait(false);
                await CallAsync(agent, "browser.navigate", id, $"\"url\":\"{url}\"").ConfigureAwait(false);
                var text = await CallAsync(agent, "browser.text", id).ConfigureAwait(false);
                run.Record(Stopwatch.GetTimestamp() - start);
                Check(text, "count 0");
                await CallAsync(agent, "session.destroy", id).ConfigureAwait(false);
            }
            run.Stop(n);
        }).GetAwaiter().GetResult();
    });

    [Benchmark("computer.browser.click_read", Kind = BenchKind.Latency, MultiThreaded = true, Runs = 3)]
    public static void ClickRead(BenchRun run) => WithKernel((agent, url) =>
    {
        int n = run.Size(100, 20);
        Task.Run(async () =>
        {
            var id = await CreateAsync(agent).ConfigureAwait(false);
            await CallAsync(agent, "browser.navigate", id, $"\"url\":\"{url}\"").ConfigureAwait(false);
            var snapshot = await CallAsync(agent, "browser.snapshot", id).ConfigureAwait(false);
            var button = snapshot.Structured!.Value.GetProperty("elements")[0].GetProperty("ref").GetString()!;
            run.Start();
            for (int i = 1; i <= n; i++)
            {
                long start = Stopwatch.GetTimestamp();
                await CallAsync(agent, "browser.click", id, $"\"ref\":\"{button}\"").ConfigureAwait(false);
                var text = await CallAsync(agent, "browser.text", id).ConfigureAwait(false);
                run.Record(Stopwatch.GetTimestamp() - start);
                Check(text, $"count {i}");
            }
            run.Stop(n);
            await CallAsync(agent, "session.destroy", id).ConfigureAwait(false);
        }).GetAwaiter().GetResult();
    });

    private static async Task<string> CreateAsync(AgentContext agent)
    {
        var created = await agent.Action.CallAsync("session.create").ConfigureAwait(false);
        return created.IsError ? throw new InvalidOperationException(created.Output) : created.Structured!.Value.GetProperty("session_id").GetString()!;
    }

    private static async Task<ToolResult> CallAsync(AgentContext agent, string tool, string session, string more = "")
    {
        var result = await agent.Action.CallAsync(tool, $"{{\"session_id\":\"{session}\"{(more.Length == 0 ? "" : "," + more)}}}").ConfigureAwait(false);
        return result.IsError ? throw new InvalidOperationException($"{tool}: {result.Output}") : result;
    }

    private static void Check(ToolResult text, string expected)
    {
        var got = text.Structured!.Value.GetProperty("text").GetString();
        // The paragraph's text, then the button's.
        if (got is null || !got.StartsWith(expected + "\n", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"expected the page text '{expected}', got '{got}'");
        }
    }

    private static void WithKernel(Action<AgentContext, string> body)
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/bwrap") || ChromiumProcess.FindExecutable() is null || !File.Exists("/usr/bin/socat"))
        {
            BenchRun.Skip("needs Linux, bubblewrap, socat and Chromium");
        }
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        int port = ((IPEndPoint)server.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var serving = ServeAsync(server, stop.Token);
        var data = Directory.CreateTempSubdirectory("agentos-bench-browser-");
        var kernel = AgentKernel.Start(new KernelOptions
        {
            DataDirectory = data.FullName,
            Computer = new ComputerOptions { MaxSessions = 1, Limits = new SandboxLimits { DiskBytes = 16L << 20 } },
            Access = AccessPolicy.CreateBuilder()
                .AddGroup("browsers", g => g.AllowTools([.. SessionManager.ToolNames, .. BrowserTools.Names]).LimitSessions(1).AllowNetwork($"127.0.0.1:{port}"))
                .Build(),
        });
        kernel.RegisterIdentity("worker-0", ["browsers"]);
        try
        {
            body(new AgentContext("worker-0", kernel.Port), $"http://127.0.0.1:{port}/");
        }
        finally
        {
            kernel.StopAsync().GetAwaiter().GetResult();
            stop.Cancel();
            server.Stop();
            data.Delete(recursive: true);
            _ = serving;
        }
    }

    // A page server that answers every request with the page and closes: all the benchmark needs.
    private static async Task ServeAsync(TcpListener server, CancellationToken stop)
    {
        var body = Encoding.UTF8.GetBytes(Page);
        var head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var client = await server.AcceptTcpClientAsync(stop).ConfigureAwait(false);
                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        var stream = client.GetStream();
                        var buffer = new byte[8192];
                        var seen = new StringBuilder();
                        while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                        {
                            int read = await stream.ReadAsync(buffer, stop).ConfigureAwait(false);
                            if (read == 0)
                            {
                                return;
                            }
                            seen.Append(Encoding.ASCII.GetString(buffer, 0, read));
                        }
                        await stream.WriteAsync(head, stop).ConfigureAwait(false);
                        await stream.WriteAsync(body, stop).ConfigureAwait(false);
                    }
                }, stop);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopped
        }
    }
}
