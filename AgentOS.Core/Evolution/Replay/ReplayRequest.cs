using AgentOS.Scheduling;

namespace AgentOS.Evolution.Replay;

/// <summary>One LLM request of a replayed workload, as the LLM queue schedules it (cost unit: output tokens).</summary>
internal sealed class ReplayRequest(int index, string agent, string site, double arrival, int input, int output, double slo) : ISchedulable
{
    public int Index { get; } = index;
    public string Agent { get; } = agent;
    public string Site { get; } = site;

    /// <summary>Seconds since the replay began.</summary>
    public double Arrival { get; } = arrival;
    public int Input { get; } = input;
    public int Output { get; } = output;

    /// <summary>Seconds after arrival by which it should be done.</summary>
    public double Slo { get; } = slo;

    public SchedulingTicket Ticket { get; } = new();

    /// <summary>The backend it runs on, an index into the replay's <see cref="ReplayPool"/> (0 without one).</summary>
    public int Backend { get; init; }

    // Set by the executor while the request runs: when its current decode stretch started, and the service then.
    public double DecodeStart { get; set; }
    public double ServiceAtDecodeStart { get; set; }
    public bool Running { get; set; }

    /// <summary>Seconds since the replay began when it finished (set before the replay's learn callback sees it).</summary>
    public double Completion { get; set; }

    public ReplayRequest Fresh() => new(Index, Agent, Site, Arrival, Input, Output, Slo) { Backend = Backend };
}
