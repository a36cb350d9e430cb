using System.Globalization;
using System.Text.Json;
using AgentOS.Bench.Report.Peers;
using AgentOS.Bench.Report.Svg;
using AgentOS.Hosting.Http;

namespace AgentOS.Bench.Report.Sections;

/// <summary>
/// The real peers, side by side on one local LLM server: LangGraph.js and the OpenAI Agents SDK calling it directly
/// (no kernel), the same scripts pointed at serve's OpenAI-compatible endpoint (which schedules them over the same
/// server with slots = capacity), and AgentOS-native SDK agents; then the issue's targets, checked on the figures.
/// </summary>
internal static class PeersSection
{
    public const string Direct = "direct", ThroughAgentOS = "agentos", Native = "native";

    public static void Run(ReportBuilder b, string repoRoot)
    {
        var (firstToken, perToken) = b.Size switch
        {
            ReportSize.Full => (TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(1)),
            ReportSize.Quick => (TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(0.5)),
            _ => (TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(0.05)),
        };
        if (b.Size == ReportSize.Tiny)
        {
            PeerWorkload.Resize(agents: 8, calls: 2);
        }
        b.Begin("Real peers on one local LLM server",
            $"One local LLM server on 127.0.0.1 (started by the report) serves every peer: OpenAI chat completions, a fixed capacity of {LocalLlmServer.Capacity} "
            + $"concurrent requests, 429 with Retry-After: {LocalLlmServer.RetryAfterSeconds} beyond that (as hosted APIs do), latency = first token "
            + $"{firstToken.TotalMilliseconds} ms + {perToken.TotalMilliseconds} ms per output token. Workload: {PeerWorkload.Agents} agents × {PeerWorkload.Calls} calls, all "
            + "agents started together, each calling again as soon as its previous call ends; each agent has a role (a call site: "
            + string.Join(", ", Scheduling.Quality.Workloads.CallSites.Select(s => $"{s.Site} {s.Median}")) + " tokens median) and its answers' lengths are "
            + $"log-normal (σ = {Scheduling.Quality.Workloads.Sigma}) around the role's median, the same for every peer. Modes: **direct** = the framework calls the "
            + "server itself with its client's default retries (no kernel, AutoGPT-style); **agentos** = the same script with its base URL on `serve`'s "
            + $"OpenAI-compatible endpoint (a child process, slots = {LocalLlmServer.Capacity} over the same server, default LLM policy), each agent's client "
            + $"naming its call site in the {KernelHttpServer.CallSiteHeader} header; **native** = AgentOS SDK agents on an in-process kernel. Latency is a call's "
            + "start to its answer (retries included), over completed calls; makespan is the whole run; goodput = completed calls ÷ makespan.");

        using var server = LocalLlmServer.Start(firstToken, perToken);
        string coreDll = Path.Combine(repoRoot, "AgentOS.Core", "bin", Configuration(), "net10.0", "AgentOS.Core.dll");
        var timeout = TimeSpan.FromMinutes(b.Size == ReportSize.Full ? 15 : 6);
        var rows = new List<ReportPeer>();
        using var workload = new TempFile();
        foreach (var peer in new[] { NodePeer.LangGraph, NodePeer.OpenAiAgents })
        {
            if (peer.Unavailable(out var modules, out var node) is { } why)
            {
                rows.Add(PeerOutcome.NotRun(peer.Name, Direct, why));
                rows.Add(PeerOutcome.NotRun(peer.Name, ThroughAgentOS, why));
                b.Skipped($"peer {peer.Name}", why);
                continue;
            }
            b.Note($"{peer.Name}: {Versions(modules)} (from {peer.ModulesVariable}), run with {node}.");
            foreach (var mode in new[] { Direct, ThroughAgentOS })
            {
                server.ResetCounters();
                try
                {
                    WriteWorkload(workload.Path, mode == ThroughAgentOS ? KernelHttpServer.CallSiteHeader : null);
                    PeerOutcome outcome;
                    if (mode == Direct)
                    {
                        outcome = peer.Run(repoRoot, modules, node, server.BaseUrl, workload.Path, timeout);
                    }
                    else
                    {
                        using var serve = ServeHost.Start(coreDll, server.BaseUrl, PeerWorkload.Agents);
                        outcome = peer.Run(repoRoot, modules, node, serve.BaseUrl, workload.Path, timeout);
                    }
                    rows.Add(Row(b, server, outcome, peer.Name, mode));
                }
                catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or IOException or JsonException or KeyNotFoundException)
                {
                    rows.Add(PeerOutcome.NotRun(peer.Name, mode, "failed to run: " + ex.Message));
                    b.Skipped($"peer {peer.Name} ({mode})", ex.Message);
                }
            }
        }
        server.ResetCounters();
        rows.Add(Row(b, server, NativePeer.Run(server.BaseUrl), "agentos-sdk", Native));
        b.Document.Peers.AddRange(rows);
        b.Note(Table(rows));
        Targets(b, rows);

        var ran = rows.Where(r => r.NotRunReason is null).ToList();
        b.Chart("peers-completed", "Calls completed and failed per peer", Charts.Bars("Peers: calls completed and failed", "calls", ["completed", "failed"],
            [.. ran.Select(r => new BarGroup($"{r.Name} {r.Mode}", [r.Completed, r.Failed]))], yLog: false));
        b.Chart("peers-latency", "Mean and p99 latency and makespan per peer", Charts.Bars("Peers: latency and makespan", "seconds", ["mean latency", "p99 latency", "makespan"],
            [.. ran.Select(r => new BarGroup($"{r.Name} {r.Mode}", [r.MeanSeconds, r.P99Seconds, r.MakespanSeconds]))], yLog: true));
    }

    private static ReportPeer Row(ReportBuilder b, LocalLlmServer server, PeerOutcome outcome, string name, string mode)
    {
        var row = outcome.ToRow(name, mode);
        var (accepted, rejected, peak) = server.Counters;
        b.Ran.Add($"peer {name} ({mode})");
        b.Note(string.Create(CultureInfo.InvariantCulture, $"{name} ({mode}): the server answered {accepted} requests and refused {rejected} with 429; at most {peak} at once."));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name,-14} {mode,-8} completed {row.Completed,4} failed {row.Failed,4} mean {row.MeanSeconds,7:0.000} s p99 {row.P99Seconds,7:0.000} s makespan {row.MakespanSeconds,7:0.00} s goodput {row.GoodputPerSecond,6:0.00}/s (429s: {rejected})"));
        return row;
    }

    private static void Targets(ReportBuilder b, List<ReportPeer> rows)
    {
        var ci = CultureInfo.InvariantCulture;
        var through = rows.Where(r => r.Mode is ThroughAgentOS or Native).ToList();
        var failing = through.Where(r => r.NotRunReason is null && r.Failed > 0).ToList();
        var notRun = through.Where(r => r.NotRunReason is not null).ToList();
        b.Document.Targets.Add(new ReportTarget
        {
            Name = "no call fails through AgentOS",
            Met = failing.Count == 0 && notRun.Count == 0,
            Detail = string.Join("; ", through.Select(r => r.NotRunReason is null ? $"{r.Name} {r.Mode}: {r.Failed} failed of {r.Completed + r.Failed}" : $"{r.Name} {r.Mode}: not run")),
        });
        foreach (var name in rows.Where(r => r.Mode == Direct).Select(r => r.Name))
        {
            var direct = rows.Single(r => r.Name == name && r.Mode == Direct);
            var ours = rows.Single(r => r.Name == name && r.Mode == ThroughAgentOS);
            if (direct.NotRunReason is not null || ours.NotRunReason is not null)
            {
                string why = direct.NotRunReason ?? ours.NotRunReason!;
                foreach (var target in new[] { "at least 1.3x the completed calls", "makespan no longer", "mean latency below direct's (call sites named)" })
                {
                    b.Document.Targets.Add(new ReportTarget { Name = $"{name}: {target}", Met = false, Detail = "not run: " + why });
                }
                continue;
            }
            int total = PeerWorkload.Agents * PeerWorkload.Calls;
            double ratio = direct.Completed == 0 ? double.PositiveInfinity : ours.Completed / (double)direct.Completed;
            b.Document.Targets.Add(new ReportTarget
            {
                Name = $"{name}: at least 1.3x the completed calls",
                Met = ratio >= 1.3,
                Detail = string.Create(ci, $"through AgentOS {ours.Completed} of {total}, direct {direct.Completed} of {total}: {ratio:0.00}x")
                    + (ratio < 1.3 && direct.Completed * 1.3 > total ? string.Create(ci, $" (1.3x of direct's {direct.Completed} is more than the {total} calls there are: out of reach on this run{(direct.Failed == 0 ? ", its client's retries absorbed every 429" : "")})") : ""),
            });
            b.Document.Targets.Add(new ReportTarget
            {
                Name = $"{name}: makespan no longer",
                Met = ours.MakespanSeconds <= direct.MakespanSeconds,
                Detail = string.Create(ci, $"through AgentOS {ours.MakespanSeconds:0.00} s, direct {direct.MakespanSeconds:0.00} s"),
            });
            b.Document.Targets.Add(new ReportTarget
            {
                Name = $"{name}: mean latency below direct's (call sites named)",
                Met = ours.MeanSeconds < direct.MeanSeconds,
                Detail = string.Create(ci, $"through AgentOS {ours.MeanSeconds:0.000} s over {ours.Completed} calls, direct {direct.MeanSeconds:0.000} s over its {direct.Completed} completed calls"),
            });
        }
        if (b.Document.Targets.Any(t => !t.Met && t.Name.EndsWith("(call sites named)", StringComparison.Ordinal) && !t.Detail.StartsWith("not run", StringComparison.Ordinal)))
        {
            b.Note("Why a mean-latency target can be missed while makespan and p99 improve: by Little's law the calls in flight on average are goodput × "
                + "mean latency. " + string.Join("; ", rows.Where(r => r.NotRunReason is null).Select(r => string.Create(ci, $"{r.Name} {r.Mode}: {r.GoodputPerSecond * r.MeanSeconds:0.0}")))
                + $" (of {PeerWorkload.Agents} agents). Through AgentOS every agent keeps one call queued until all are done, so the mean is about agents ÷ "
                + "throughput; calling directly, most agents get through early while the unlucky ones sit in client back-off (see p99 and makespan) or give "
                + "up (their failed calls are not in the mean). The kernel's learned shortest-job-first needs a few answers per (agent, call site) before it "
                + "reorders anything, and this workload has only a few calls per agent.");
        }
        foreach (var target in b.Document.Targets)
        {
            Console.WriteLine($"  target {(target.Met ? "MET" : "NOT MET")}: {target.Name} — {target.Detail}");
        }
    }

    private static string Table(List<ReportPeer> rows)
    {
        var ci = CultureInfo.InvariantCulture;
        var lines = new List<string> { "| peer | mode | completed | failed | mean (s) | p99 (s) | makespan (s) | goodput (calls/s) |", "|---|---|---:|---:|---:|---:|---:|---:|" };
        lines.AddRange(rows.Select(r => r.NotRunReason is { } why
            ? $"| {r.Name} | {r.Mode} | not run: {why.Replace("|", "\\|", StringComparison.Ordinal)} | | | | | |"
            : string.Create(ci, $"| {r.Name} | {r.Mode} | {r.Completed} | {r.Failed} | {r.MeanSeconds:0.000} | {r.P99Seconds:0.000} | {r.MakespanSeconds:0.00} | {r.GoodputPerSecond:0.00} |")));
        return string.Join("\n", lines);
    }

    // The installed versions of the packages a peer uses, read from their package.json files.
    private static string Versions(string modules)
    {
        var found = new List<string>();
        foreach (var package in new[] { "@langchain/langgraph", "@langchain/openai", "@langchain/core", "@openai/agents", "openai" })
        {
            string file = Path.Combine(modules, package, "package.json");
            if (File.Exists(file))
            {
                using var json = JsonDocument.Parse(File.ReadAllText(file));
                found.Add($"{package} {json.RootElement.GetProperty("version").GetString()}");
            }
        }
        return string.Join(", ", found);
    }

    private static void WriteWorkload(string path, string? callSiteHeader)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream);
        json.WriteStartObject();
        json.WriteString("model", LocalLlmServer.Model);
        json.WriteNumber("max_tokens", PeerWorkload.MaxOutputTokens);
        if (callSiteHeader is null)
        {
            json.WriteNull("call_site_header");
        }
        else
        {
            json.WriteString("call_site_header", callSiteHeader);
        }
        json.WriteStartArray("agents");
        for (int i = 0; i < PeerWorkload.Agents; i++)
        {
            json.WriteStartObject();
            json.WriteNumber("id", i);
            json.WriteString("key", $"key-{i}");
            json.WriteString("role", PeerWorkload.Role(i));
            json.WriteStartArray("prompts");
            for (int c = 0; c < PeerWorkload.Calls; c++)
            {
                json.WriteStringValue(PeerWorkload.Prompt(i, c));
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    // The Bench's own configuration (bin/<configuration>/<tfm>/), so serve runs the Core built with it.
    private static string Configuration() => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    private sealed class TempFile : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"agentos-report-workload-{Environment.ProcessId}.json");

        public void Dispose() => File.Delete(Path);
    }
}
