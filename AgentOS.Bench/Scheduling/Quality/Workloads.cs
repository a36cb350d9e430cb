using AgentOS.Evolution.Replay;
using AgentOS.Llm.Simulation;

namespace AgentOS.Bench.Scheduling.Quality;

/// <summary>The two replayed workloads, and how their arrivals are scaled to a load.</summary>
internal static class Workloads
{
    /// <summary>Output-length medians of workload 2's call sites (tokens), and its log-normal σ.</summary>
    public static readonly (string Site, double Median)[] CallSites =
    [
        ("classify", 15), ("route", 30), ("extract", 60), ("plan", 100), ("critique", 160), ("answer", 250), ("report", 400), ("draft", 600),
    ];

    public const double Sigma = 0.8;
    public const int Agents = 50;

    /// <summary>Deadline of each request: this many times its own service alone on a slot.</summary>
    public const double SloFactor = 10;

    /// <summary>Workload 1: the trace as it is; every request one chat call site of one of 50 clients.</summary>
    public static List<(string Agent, string Site, TraceRequest Request)> Raw(IReadOnlyList<TraceRequest> trace) =>
        [.. trace.Select((r, i) => ("client" + (i % Agents), "chat", r))];

    /// <summary>
    /// Workload 2: the trace's arrivals and input lengths; each request belongs to a random agent and call site, and
    /// its output length is drawn from a log-normal around the site's median (σ = <see cref="Sigma"/>), 1..4,000.
    /// </summary>
    public static List<(string Agent, string Site, TraceRequest Request)> Agentic(IReadOnlyList<TraceRequest> trace)
    {
        var random = new Random(42);
        var work = new List<(string, string, TraceRequest)>(trace.Count);
        foreach (var r in trace)
        {
            var (site, median) = CallSites[random.Next(CallSites.Length)];
            int output = (int)Math.Clamp(Math.Round(LlmTrace.LogNormal(random, Math.Log(median), Sigma)), 1, 4_000);
            work.Add(("agent" + random.Next(Agents), site, r with { OutputTokens = output }));
        }
        return work;
    }

    /// <summary>
    /// Scales the inter-arrival times by one factor so that the offered service (each request's time alone on a
    /// slot) divided by slots × the arrival span equals <paramref name="rho"/>.
    /// </summary>
    public static ReplayRequest[] AtLoad(List<(string Agent, string Site, TraceRequest Request)> work, double rho, int slots, SimulatedLatencyModel model)
    {
        double offered = work.Sum(w => model.Service(w.Request.InputTokens, w.Request.OutputTokens).TotalSeconds);
        double first = work[0].Request.Arrival.TotalSeconds;
        double span = work[^1].Request.Arrival.TotalSeconds - first;
        double scale = offered / (rho * slots * span);
        return [.. work.Select((w, i) => new ReplayRequest(i, w.Agent, w.Site, (w.Request.Arrival.TotalSeconds - first) * scale, w.Request.InputTokens, w.Request.OutputTokens,
            SloFactor * model.Service(w.Request.InputTokens, w.Request.OutputTokens).TotalSeconds))];
    }
}
