using AgentOS.Evolution.Replay;
using AgentOS.Llm.Simulation;

namespace AgentOS.Bench.Scheduling.Quality;

/// <summary>
/// The two baselines without AgentOS's queue, on the same latency model, as event-driven simulations:
/// AIOS's scheduler loop as measured, and no kernel at all.
/// </summary>
internal static class ReferenceModels
{
    /// <summary>AIOS's FIFO loop: it sleeps 1.0 s, polls its queue for 0.1 s, takes everything queued as a batch, runs
    /// the batch to completion in order on the slots, and only then starts the next cycle.</summary>
    public const double AiosCycle = 1.1;

    public static ReplayOutcome Aios(ReplayRequest[] requests, int slots, SimulatedLatencyModel model)
    {
        var completions = new double[requests.Length];
        var free = new double[slots];
        double t = 0;
        int next = 0;
        while (next < requests.Length)
        {
            double formed = t + AiosCycle;
            if (requests[next].Arrival > formed)
            {
                // Idle cycles: the loop keeps sleeping and polling until a request is there when a batch is formed.
                t += Math.Ceiling((requests[next].Arrival - formed) / AiosCycle) * AiosCycle;
                continue;
            }
            Array.Fill(free, formed);
            while (next < requests.Length && requests[next].Arrival <= formed)
            {
                var r = requests[next];
                int slot = Array.IndexOf(free, free.Min());
                free[slot] += model.Service(r.Input, r.Output).TotalSeconds;
                completions[r.Index] = free[slot];
                next++;
            }
            t = free.Max();
        }
        return ReplayOutcome.From(requests, completions);
    }

    /// <summary>
    /// No kernel: every agent calls the backend as soon as it wants to (as AutoGPT-style frameworks do), so the
    /// backend shares its capacity among everything in flight — processor sharing over the slots.
    /// </summary>
    public static ReplayOutcome NoKernel(ReplayRequest[] requests, int slots, SimulatedLatencyModel model)
    {
        var completions = new double[requests.Length];
        var active = new List<(int Index, double Left)>();
        double t = 0;
        int next = 0;
        while (next < requests.Length || active.Count > 0)
        {
            double rate = active.Count == 0 ? 0 : Math.Min(1, slots / (double)active.Count);
            double untilDone = active.Count == 0 ? double.PositiveInfinity : active.Min(a => a.Left) / rate;
            double untilArrival = next < requests.Length ? requests[next].Arrival - t : double.PositiveInfinity;
            double step = Math.Min(untilDone, untilArrival);
            for (int i = 0; i < active.Count; i++)
            {
                active[i] = (active[i].Index, active[i].Left - step * rate);
            }
            t += step;
            for (int i = active.Count - 1; i >= 0; i--)
            {
                if (active[i].Left <= 1e-9)
                {
                    completions[active[i].Index] = t;
                    active.RemoveAt(i);
                }
            }
            while (next < requests.Length && requests[next].Arrival <= t + 1e-12)
            {
                var r = requests[next++];
                active.Add((r.Index, model.Service(r.Input, r.Output).TotalSeconds));
            }
        }
        return ReplayOutcome.From(requests, completions);
    }
}
