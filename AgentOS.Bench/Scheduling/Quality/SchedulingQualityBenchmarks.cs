using AgentOS.Evolution.Replay;
using System.Globalization;
using AgentOS.Bench.Harness;
using AgentOS.Llm.Simulation;
using AgentOS.Scheduling;

namespace AgentOS.Bench.Scheduling.Quality;

/// <summary>
/// Scheduling quality of the LLM queue on the simulator: every policy (and the kernel's default) through the kernel's
/// own <see cref="ResourceQueue{T}"/> on virtual time, beside oracle SJF and oracle SRPT (they know true lengths),
/// AIOS's loop as measured and no kernel at all, at loads 0.8, 0.9 and 0.95 on one slot. Workload 1 is the Azure
/// conversation trace as it is; workload 2 keeps its arrivals and input lengths and gives each request an agent and a
/// call site whose output lengths are log-normal around the site's median.
/// </summary>
/// <remarks>
/// Load: ρ = Σ service ÷ (slots × arrival span), service being a request's time alone on a slot; the trace's
/// inter-arrival times are all multiplied by one factor to reach ρ. Deadlines: arrival + 10 × the request's own
/// service. The figures are deterministic (virtual time), so they are computed once per process and printed as a
/// table; the timed part is one replay (the default policy, workload 2, ρ = 0.9), reported per request of wall time.
/// </remarks>
internal static class SchedulingQualityBenchmarks
{
    public static readonly double[] Loads = [0.8, 0.9, 0.95];
    public const int Slots = 1;

    private static readonly string[] QueuePolicies = ["fifo", "priority", "sjf", "rr", "las", "edf", "default", "oracle-sjf", "oracle-srpt"];
    private static (int Count, Dictionary<string, ReplayOutcome> Outcomes)? s_computed;

    [Benchmark("scheduling.quality.replay", Runs = 1, MultiThreaded = true)]
    public static void Replay(BenchRun run)
    {
        var path = LlmTrace.FindSharedData(Path.Combine("traces", LlmTrace.AzureConversation));
        if (path is null)
        {
            BenchRun.Skip($"needs ../shared/data/traces/{LlmTrace.AzureConversation}");
            return;
        }
        var trace = LlmTrace.ReadCsv(path, run.Quick ? 2_000 : null);
        var model = new SimulatedLatencyModel();
        var workloads = new[] { Workloads.Raw(trace), Workloads.Agentic(trace) };
        if (s_computed?.Count != trace.Count)
        {
            s_computed = (trace.Count, Compute(workloads, model));
            Print(s_computed.Value.Outcomes, trace.Count);
        }
        foreach (var (key, outcome) in s_computed.Value.Outcomes)
        {
            run.Report(key + ".mean_s", outcome.Mean);
            run.Report(key + ".p99_s", outcome.P99);
            run.Report(key + ".missed", outcome.Missed);
        }
        foreach (var (name, value) in Summary(s_computed.Value.Outcomes))
        {
            run.Report(name, value);
        }

        var requests = Workloads.AtLoad(workloads[1], 0.9, Slots, model);
        run.Start();
        TrafficReplay.Run(requests, Policy("default", out var learn), Slots, model, learn);
        run.Stop(requests.Length);
    }

    internal static Dictionary<string, ReplayOutcome> Compute(List<(string Agent, string Site, TraceRequest Request)>[] workloads, SimulatedLatencyModel model)
    {
        var outcomes = new Dictionary<string, ReplayOutcome>(StringComparer.Ordinal);
        for (int w = 0; w < workloads.Length; w++)
        {
            foreach (double rho in Loads)
            {
                var requests = Workloads.AtLoad(workloads[w], rho, Slots, model);
                foreach (var name in QueuePolicies)
                {
                    Console.Write($"\r  workload {w + 1} rho {rho} {name}            ");
                    outcomes[Key(w, rho, name)] = TrafficReplay.Run(requests, Policy(name, out var learn), Slots, model, learn);
                }
                outcomes[Key(w, rho, "aios")] = ReferenceModels.Aios(requests, Slots, model);
                outcomes[Key(w, rho, "no-kernel")] = ReferenceModels.NoKernel(requests, Slots, model);
            }
        }
        Console.Write("\r" + new string(' ', 60) + "\r");
        return outcomes;
    }

    // The policy under test, and what it learns from each finished request (the online estimators).
    private static Func<AgentOS.Time.ManualTimeProvider, ISchedulingPolicy<ReplayRequest>> Policy(string name, out Action<ReplayRequest>? learn)
    {
        learn = null;
        switch (name)
        {
            case "sjf" or "default":
                // sjf: sorts on the learned estimates whatever their skill; default (the kernel's LLM policy): the same
                // estimator with FIFO order while it has no skill.
                var estimator = new OnlineCostEstimator<ReplayRequest>(static r => (r.Agent, r.Site), fallBackWhenNoSkill: name == "default");
                learn = r => estimator.Observe(r.Agent, r.Site, r.Output);
                return _ => SchedulingPolicies.Create("sjf", estimator: estimator);
            case "oracle-sjf":
                return _ => SchedulingPolicies.Create("sjf", estimator: new OracleEstimator());
            case "oracle-srpt":
                return time => new OracleSrptPolicy(time, new SimulatedLatencyModel().DecodePerToken.TotalSeconds);
            default:
                return _ => SchedulingPolicies.Create<ReplayRequest>(name);
        }
    }

    internal static string Key(int workload, double rho, string policy) => string.Create(CultureInfo.InvariantCulture, $"w{workload + 1}.rho{rho}.{policy}");

    private static IEnumerable<(string, double)> Summary(Dictionary<string, ReplayOutcome> o)
    {
        foreach (double rho in Loads)
        {
            yield return (Key(0, rho, "default_vs_fifo_mean"), o[Key(0, rho, "default")].Mean / o[Key(0, rho, "fifo")].Mean);
            double fifo = o[Key(1, rho, "fifo")].Mean, oracle = o[Key(1, rho, "oracle-sjf")].Mean;
            yield return (Key(1, rho, "sjf_recovered_gain"), (fifo - o[Key(1, rho, "sjf")].Mean) / (fifo - oracle));
            yield return (Key(1, rho, "default_recovered_gain"), (fifo - o[Key(1, rho, "default")].Mean) / (fifo - oracle));
            yield return (Key(1, rho, "edf_vs_fifo_missed"), o[Key(1, rho, "edf")].Missed / (double)Math.Max(1, o[Key(1, rho, "fifo")].Missed));
        }
    }

    private static void Print(Dictionary<string, ReplayOutcome> o, int count)
    {
        var model = new SimulatedLatencyModel();
        Console.WriteLine();
        Console.WriteLine($"Scheduling quality on the simulator ({SimulatedLlmBackend.Label}): {count} requests of {LlmTrace.AzureConversation}, {Slots} slot, "
            + $"first token {model.FirstTokenBase.TotalMilliseconds:0} ms + {model.PrefillPerToken.TotalMilliseconds:0.###} ms/input token, {model.DecodePerToken.TotalMilliseconds:0} ms/output token.");
        Console.WriteLine("Load: inter-arrival times scaled by one factor so that Σ service / (slots × span) = ρ. Deadline: arrival + 10 × own service. Latency: completion − arrival.");
        Console.WriteLine($"Workload 2: each request a random agent (of {Workloads.Agents}) and call site; output ~ log-normal(site median, σ = {Workloads.Sigma}); medians "
            + string.Join(", ", Workloads.CallSites.Select(s => $"{s.Site} {s.Median}")) + ".");
        string[] rows = [.. QueuePolicies, "aios", "no-kernel"];
        for (int w = 0; w < 2; w++)
        {
            foreach (double rho in Loads)
            {
                Console.WriteLine();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"workload {w + 1} ({(w == 0 ? "azure-conv as is" : "agent call sites")}), rho = {rho}"));
                Console.WriteLine($"  {"policy",-12}{"mean_s",10}{"p50_s",10}{"p99_s",10}{"vs_fifo",9}{"missed",8}{"preempt",9}");
                double fifo = o[Key(w, rho, "fifo")].Mean;
                foreach (var name in rows)
                {
                    var r = o[Key(w, rho, name)];
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-12}{r.Mean,10:0.00}{r.P50,10:0.00}{r.P99,10:0.00}{r.Mean / fifo,9:0.000}{r.Missed,8}{r.Preemptions,9}"));
                }
            }
        }
        Console.WriteLine();
        foreach (var (name, value) in Summary(o))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name} = {value:0.000}"));
        }
    }
}
