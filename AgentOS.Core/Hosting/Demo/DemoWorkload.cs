using AgentOS.Llm.Simulation;

namespace AgentOS.Hosting.Demo;

/// <summary>Turns trace requests into demo agents' work, for the simulator (virtual time) or a real model.</summary>
internal static class DemoWorkload
{
    /// <summary>The load the simulator's arrivals are scaled to: offered service ÷ (slots × span).</summary>
    public const double SimulatedLoad = 0.9;

    /// <summary>The load a real backend's arrivals are scaled to: its slots busy this share of the time, so agents
    /// queue for the model now and then and the policy has choices to make.</summary>
    public const double RealLoad = 0.9;

    /// <summary>Deadlines of the answer call: this many times its time alone on a slot.</summary>
    public const double SloFactor = 10;

    private static readonly string[] Openings =
    [
        "Once upon a time, a little dog", "Lily found a red ball", "Tom and Sam went to the park", "The sun was shining and",
        "A small bird wanted to fly", "Mom made a big cake", "The cat saw a fish", "Ben had a new toy car",
    ];

    /// <summary>
    /// For the simulator: prompts as long as the trace's inputs, answers as long as its outputs, a short summary, and
    /// the trace's inter-arrival times scaled so the offered load is <see cref="SimulatedLoad"/> of the slots.
    /// </summary>
    public static IReadOnlyList<DemoRequest> Simulated(IReadOnlyList<TraceRequest> trace, int slots, SimulatedLatencyModel model)
    {
        var filler = new string('w', 4 * Math.Max(1, trace.Count == 0 ? 1 : trace.Max(r => r.InputTokens)));
        double offered = 0;
        foreach (var r in trace)
        {
            offered += model.Service(r.InputTokens, r.OutputTokens).TotalSeconds + model.Service(16, Summary(r)).TotalSeconds;
        }
        double span = trace.Count > 1 ? (trace[^1].Arrival - trace[0].Arrival).TotalSeconds : 1;
        double scale = span > 0 ? offered / (SimulatedLoad * slots * span) : 1;
        return [.. trace.Select((r, i) => new DemoRequest(i, (r.Arrival - trace[0].Arrival) * scale, r.InputTokens, r.OutputTokens,
            filler[..(4 * Math.Max(1, r.InputTokens))], r.OutputTokens, Summary(r), i % 3, model.Service(r.InputTokens, r.OutputTokens) * SloFactor))];
    }

    /// <summary>For a real model: short story openings, answers a quarter of the trace's length (16–200 tokens), and
    /// the trace's arrival pattern scaled to <paramref name="span"/>.</summary>
    public static IReadOnlyList<DemoRequest> Real(IReadOnlyList<TraceRequest> trace, TimeSpan span)
    {
        double last = trace.Count > 1 ? (trace[^1].Arrival - trace[0].Arrival).TotalSeconds : 1;
        double scale = last > 0 ? span.TotalSeconds / last : 1;
        return [.. trace.Select((r, i) => new DemoRequest(i, (r.Arrival - trace[0].Arrival) * scale, r.InputTokens, r.OutputTokens,
            Openings[i % Openings.Length], Math.Clamp(r.OutputTokens / 4, 16, 200), 16, i % 3, null))];
    }

    /// <summary>
    /// The burst that measures a real backend's capacity: <paramref name="count"/> requests taken evenly across the
    /// workload (so their lengths are typical), all arriving at once, which keeps every slot busy until the tail.
    /// </summary>
    public static IReadOnlyList<DemoRequest> Burst(IReadOnlyList<DemoRequest> work, int count)
    {
        int step = Math.Max(1, work.Count / Math.Max(1, count));
        return [.. work.Where((_, i) => i % step == 0).Take(count).Select(r => r with { Arrival = TimeSpan.Zero })];
    }

    /// <summary>
    /// A request's work for the model, in token positions: the answer and the summary it generates, plus about 60
    /// prompt positions (the story opening, and the summary's prompt, which quotes up to 200 characters of the answer).
    /// Only ratios of these matter: capacity is measured in the same unit.
    /// </summary>
    public static double Positions(DemoRequest r) => r.AnswerTokens + r.SummaryTokens + 60;

    /// <summary>
    /// How long the arrivals of <paramref name="work"/> must spread so that a backend that served
    /// <paramref name="burst"/> in <paramref name="burstTime"/> with every slot busy is <see cref="RealLoad"/> loaded.
    /// </summary>
    public static TimeSpan LoadedSpan(IReadOnlyList<DemoRequest> work, IReadOnlyList<DemoRequest> burst, TimeSpan burstTime)
    {
        double capacity = burst.Sum(Positions) / Math.Max(1e-3, burstTime.TotalSeconds);
        return TimeSpan.FromSeconds(work.Sum(Positions) / (RealLoad * capacity));
    }

    // The summary call's length: short, and varied a little so it is not a constant.
    private static int Summary(TraceRequest r) => 12 + r.InputTokens % 3 * 8;
}
