using AgentOS.Evolution;
using AgentOS.Llm.Simulation;

namespace AgentOS.Bench.Scheduling.Quality;

/// <summary>
/// The four traces <c>scheduling.adaptive</c> runs, as finished-call records at a load: the Azure conversation trace
/// as it is, workload 2 (Azure arrivals, agents and call sites with log-normal lengths), the Mooncake conversation
/// trace as it is, and a heavy-tailed one (Azure arrivals and inputs, Pareto output lengths unrelated to anything the
/// request says).
/// </summary>
internal static class AdaptiveTraces
{
    public const string Mooncake = "mooncake-conversation.csv";

    /// <summary>Pareto shape and scale of the heavy-tailed trace's output lengths (mean α·xm/(α−1) ≈ 200 tokens), capped.</summary>
    public const double ParetoShape = 1.3, ParetoScale = 46, ParetoCap = 16_000;

    public static List<(string Name, List<(string Agent, string Site, TraceRequest Request)> Work)> Load(int? limit)
    {
        var azurePath = LlmTrace.FindSharedData(Path.Combine("traces", LlmTrace.AzureConversation));
        var mooncakePath = LlmTrace.FindSharedData(Path.Combine("traces", Mooncake));
        if (azurePath is null || mooncakePath is null)
        {
            return [];
        }
        var azure = LlmTrace.ReadCsv(azurePath, limit);
        var mooncake = LlmTrace.ReadCsv(mooncakePath, limit);
        return
        [
            ("azure-conv", Workloads.Raw(azure)),
            ("workload-2", Workloads.Agentic(azure)),
            ("mooncake-conv", Workloads.Raw(mooncake)),
            ("pareto", Pareto(azure)),
        ];
    }

    public static List<(string Agent, string Site, TraceRequest Request)> Pareto(IReadOnlyList<TraceRequest> trace)
    {
        var random = new Random(7);
        return [.. trace.Select((r, i) =>
        {
            double u = 1 - random.NextDouble();
            int output = (int)Math.Clamp(Math.Round(ParetoScale / Math.Pow(u, 1 / ParetoShape)), 1, ParetoCap);
            return ("client" + (i % Workloads.Agents), "chat", r with { OutputTokens = output });
        })];
    }

    /// <summary>The work as calls at load ρ on <paramref name="slots"/> slots (arrivals scaled as in scheduling.quality).</summary>
    public static List<TrafficRecord> AtLoad(List<(string Agent, string Site, TraceRequest Request)> work, double rho, int slots, SimulatedLatencyModel model) =>
        [.. Workloads.AtLoad(work, rho, slots, model).Select(r => new TrafficRecord(r.Arrival, r.Agent, r.Site, r.Input, r.Output, double.NaN))];
}
