using System.Globalization;
using AgentOS.Bench.Report.Svg;
using AgentOS.Bench.Scheduling.Quality;
using AgentOS.Evolution.Replay;
using AgentOS.Llm.Simulation;

namespace AgentOS.Bench.Report.Sections;

/// <summary>
/// Latency CDFs per policy on the replayed Azure conversation trace, computed by scheduling.quality's own simulator
/// code (<see cref="SchedulingQualityBenchmarks.Compute"/>): every policy through the kernel's queue on virtual time,
/// beside the AIOS loop model and the no-kernel model.
/// </summary>
internal static class SchedulingSection
{
    private const double Rho = 0.9;

    public static void Run(ReportBuilder b)
    {
        b.Begin("Scheduling on replayed traces", "The LLM queue on the simulator (virtual time, one slot): the Azure LLM conversation trace replayed with its "
            + $"arrivals scaled to load ρ = {Rho.ToString(CultureInfo.InvariantCulture)}, workload 2 (each request an agent and a call site, output lengths "
            + "log-normal around the site's median). Each policy runs through the kernel's own ResourceQueue; AIOS's loop and no kernel (processor sharing) "
            + "are event-driven MODELS on the same latency model (scheduling.quality's ReferenceModels), drawn dashed.");
        var path = LlmTrace.FindSharedData(Path.Combine("traces", LlmTrace.AzureConversation));
        if (path is null)
        {
            b.Skipped("scheduling CDFs", $"needs ../shared/data/traces/{LlmTrace.AzureConversation}");
            return;
        }
        int? limit = b.Size switch { ReportSize.Full => null, ReportSize.Quick => 2_000, _ => 300 };
        var trace = LlmTrace.ReadCsv(path, limit);
        var outcomes = SchedulingQualityBenchmarks.Compute([Workloads.Raw(trace), Workloads.Agentic(trace)], new SimulatedLatencyModel());
        b.Ran.Add($"scheduling.quality replay ({trace.Count} requests)");
        ReplayOutcome At(string policy) => outcomes[SchedulingQualityBenchmarks.Key(1, Rho, policy)];

        string[] policies = ["fifo", "priority", "sjf", "rr", "las", "edf", "default"];
        var series = policies.Select(p => (p == "default" ? "default (sjf, learned)" : p, (IReadOnlyList<double>)At(p).Latencies, false)).ToList();
        series.Add(("AIOS loop (model)", At("aios").Latencies, true));
        series.Add(("no kernel (model)", At("no-kernel").Latencies, true));
        var fifo = At("fifo");
        foreach (var p in policies.Where(p => p != "fifo"))
        {
            b.Figure($"scheduling.{p}.mean_s", $"Mean latency, {p}, replayed trace at ρ = {Rho}", At(p).Mean, "s", "fifo", fifo.Mean, headline: p == "default");
        }
        b.Figure("scheduling.default.p99_s", $"p99 latency, default policy, at ρ = {Rho}", At("default").P99, "s", "fifo", fifo.P99);
        b.Figure("scheduling.default.vs_aios_model.mean_s", "Mean latency, default policy, against AIOS's loop (model)", At("default").Mean, "s", "AIOS FIFO loop (model)", At("aios").Mean, headline: true);
        b.Figure("scheduling.default.vs_no_kernel.mean_s", "Mean latency, default policy, against no kernel (model)", At("default").Mean, "s", "no kernel, processor sharing (model)", At("no-kernel").Mean);
        b.Chart("latency-cdf", $"Latency CDFs per policy on the replayed trace (ρ = {Rho})", Charts.Cdf($"Latency CDF per policy, replayed trace, ρ = {Rho}", "latency (s)", series, xLog: true));
    }
}
