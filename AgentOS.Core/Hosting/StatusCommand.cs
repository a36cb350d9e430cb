using System.Globalization;
using System.Net.Http.Json;
using AgentOS.Kernel;
using AgentOS.Serialization;

namespace AgentOS.Hosting;

/// <summary><c>status --url URL [--token T | --token-file FILE]</c>: asks a running kernel (<c>serve</c>) for <c>/v1/status</c> and prints its
/// queues and memory (resident and evicted bytes, block hits and misses, evictions, quota rejections, per agent), and the
/// audit log's size on disk.</summary>
internal static class StatusCommand
{
    public const string Usage = "status --url URL [--token T | --token-file FILE (e.g. the data folder's admin-token)]";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        string? url = null, token = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--url" when i + 1 < args.Length:
                    url = args[++i];
                    break;
                case "--token" when i + 1 < args.Length:
                    token = args[++i];
                    break;
                case "--token-file" when i + 1 < args.Length:
                    string file = args[++i];
                    try
                    {
                        token = File.ReadAllText(file).Trim();
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        stderr.WriteLine($"agentos status: cannot read the token file {file}: {ex.Message}");
                        return CommandLine.UsageError;
                    }
                    break;
                default:
                    stderr.WriteLine($"agentos status: bad or incomplete option '{args[i]}'.");
                    stderr.WriteLine("usage: dotnet AgentOS.Core.dll " + Usage);
                    return CommandLine.UsageError;
            }
        }
        if (url is null || !Uri.TryCreate(url.TrimEnd('/') + "/v1/status", UriKind.Absolute, out var endpoint))
        {
            stderr.WriteLine("agentos status: give the kernel's URL, for example --url http://127.0.0.1:8080 (serve prints it first on stderr).");
            return CommandLine.UsageError;
        }
        KernelStatus? status;
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            if (token is not null)
            {
                http.DefaultRequestHeaders.Authorization = new("Bearer", token);
            }
            status = http.GetFromJsonAsync(endpoint, AgentOSJsonContext.Default.KernelStatus).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            stderr.WriteLine($"agentos status: cannot read {endpoint}: {ex.Message}");
            return 1;
        }
        if (status is null)
        {
            stderr.WriteLine($"agentos status: {endpoint} answered null.");
            return 1;
        }
        Print(status, stdout);
        return 0;
    }

    private static void Print(KernelStatus status, TextWriter stdout)
    {
        var c = CultureInfo.InvariantCulture;
        stdout.WriteLine(string.Create(c, $"agentos {status.Version}, up {status.Uptime:c}"));
        if (status.Authentication is { } authentication)
        {
            stdout.WriteLine($"authentication: {authentication}; you are '{status.Caller}'");
        }
        foreach (var (name, q) in status.Queues)
        {
            stdout.WriteLine(string.Create(c, $"queue {name,-8} {q.Policy,-9} waiting {q.Waiting} running {q.Running} completed {q.Completed} deadlines met {q.DeadlinesMet} missed {q.DeadlinesMissed}"));
        }
        var m = status.Memory;
        stdout.WriteLine(string.Create(c, $"memory: {m.Items} items, resident {m.ResidentBytes} B (high water {m.HighWaterBytes} B, limit {m.GlobalLimitBytes} B), evicted {m.EvictedBytes} B, block hits {m.Hits} misses {m.Misses}, evictions {m.Evictions}, quota rejections {m.QuotaRejections}"));
        stdout.WriteLine($"memory retrieval: {m.Retrieval}");
        foreach (var a in m.Agents)
        {
            stdout.WriteLine(string.Create(c, $"  agent {a.Agent}: {a.Items} items, {a.LiveBytes} of {a.QuotaBytes} B quota, resident {a.ResidentBytes} B, evicted {a.EvictedBytes} B, hits {a.Hits} misses {a.Misses}, evictions {a.Evictions}, quota rejections {a.QuotaRejections}"));
        }
        if (status.Audit is { } audit)
        {
            stdout.WriteLine(string.Create(c, $"audit log: {audit.TotalBytes} B on disk ({audit.Path}: active {audit.ActiveBytes} B; {audit.Archives} archives {audit.ArchivedBytes} B; {audit.UnarchivedSegments} segments awaiting archive {audit.UnarchivedBytes} B; {audit.Rotations} rotations)")
                + (audit.ArchiveError is { } error ? $"; archiving failed: {error}" : ""));
        }
        if (status.Computer is { } computer)
        {
            stdout.WriteLine($"sessions: sandbox {computer.Sandbox}{(computer.Isolated ? "" : " (NOT ISOLATED)")}: {computer.Description}");
            foreach (var s in computer.Sessions)
            {
                stdout.WriteLine(string.Create(c, $"  session {s.Id} of {s.Agent}: idle {s.IdleSeconds:F0} s, {s.Commands} commands{(s.Busy ? ", busy" : "")}, disk {s.DiskBytes} of {s.DiskLimitBytes} B"));
            }
        }
        if (status.Contexts is { } x)
        {
            stdout.WriteLine(string.Create(c, $"conversations: {x.Contexts} ({x.Strategy}), {x.Messages} messages, {x.Tokens} tokens, usage {x.PromptTokens} prompt + {x.CompletionTokens} completion tokens, {x.Preempted} preempted"));
        }
    }
}
