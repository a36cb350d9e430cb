using AgentOS.Llm;

namespace AgentOS.Evolution;

/// <summary>How the self-improving loop learns, proves, applies and watches. Every figure is a count of finished
/// calls, not a time, so the loop behaves the same on any clock.</summary>
public sealed record EvolutionOptions
{
    /// <summary>Recent calls a proof replays (the last ones finished, in arrival order). Default 2,000.</summary>
    public int Window { get; init; } = 2_000;

    /// <summary>The leading fraction of a replay that only warms the queue up (a replay starts empty) and is not
    /// scored. Default 0.25.</summary>
    public double WarmupFraction { get; init; } = 0.25;

    /// <summary>Prove candidates after this many calls have finished since the last proof. Default 1,000.</summary>
    public int EvaluateEvery { get; init; } = 1_000;

    /// <summary>Bootstrap resamples per candidate (at least 200). Default 200.</summary>
    public int Resamples { get; init; } = 200;

    /// <summary>Coverage of the bootstrap interval whose lower end must be above zero. Default 0.95.</summary>
    public double Confidence { get; init; } = 0.95;

    /// <summary>Calls, arrived after a change, that the watch measures before it keeps or rolls back. Default 500.</summary>
    public int WatchCalls { get; init; } = 500;

    /// <summary>How much worse than the previous settings would have done (on the same calls, calibrated) the live
    /// mean latency may be before the change is rolled back. Default 0.05.</summary>
    public double Tolerance { get; init; } = 0.05;

    /// <summary>A candidate's replayed p99 may be at most this many times FIFO's on the same window (the tail bar).
    /// Default 2.</summary>
    public double TailLimit { get; init; } = 2;

    /// <summary>Proofs a rolled-back candidate sits out before it may be proposed again. Default 3.</summary>
    public int Cooldown { get; init; } = 3;

    /// <summary>Execution slots the replays model (the LLM backends' total). Default 1.</summary>
    public int Slots { get; init; } = 1;

    /// <summary>The settings the loop may propose (pins overwrite their fields). Default <see cref="DefaultCandidates"/>.</summary>
    public IReadOnlyList<LlmQueueSettings>? Candidates { get; init; }

    /// <summary>Parameters fixed by the operator (see <see cref="LlmQueueSettings.ParameterNames"/>) and their values.</summary>
    public IReadOnlyDictionary<string, string>? Pins { get; init; }

    /// <summary>The candidate grid: FIFO; SJF on learned lengths with and without aging; RR and LAS at two quanta;
    /// Gittins over learned length distributions with and without aging.</summary>
    public static IReadOnlyList<LlmQueueSettings> DefaultCandidates { get; } =
    [
        new() { Policy = "fifo" },
        new() { Policy = "sjf" },
        new() { Policy = "sjf", AgingRate = 2 },
        new() { Policy = "sjf", AgingRate = 8 },
        new() { Policy = "rr", ServiceQuantum = 16 },
        new() { Policy = "rr", ServiceQuantum = 64 },
        new() { Policy = "las", ServiceQuantum = 16 },
        new() { Policy = "las", ServiceQuantum = 64 },
        new() { Policy = "gittins" },
        new() { Policy = "gittins", AgingRate = 2 },
        new() { Policy = "gittins", AgingRate = 8 },
    ];

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Window, 50, nameof(Window));
        ArgumentOutOfRangeException.ThrowIfLessThan(EvaluateEvery, 1, nameof(EvaluateEvery));
        ArgumentOutOfRangeException.ThrowIfLessThan(Resamples, 200, nameof(Resamples));
        ArgumentOutOfRangeException.ThrowIfLessThan(WatchCalls, 1, nameof(WatchCalls));
        ArgumentOutOfRangeException.ThrowIfLessThan(Slots, 1, nameof(Slots));
        if (!(WarmupFraction >= 0 && WarmupFraction < 0.9) || !(Confidence > 0 && Confidence < 1) || !(Tolerance >= 0) || !(TailLimit > 0))
        {
            throw new ArgumentException("WarmupFraction is in [0, 0.9), Confidence in (0, 1), Tolerance at least 0 and TailLimit above 0.");
        }
        foreach (var (name, value) in Pins ?? new Dictionary<string, string>())
        {
            _ = new LlmQueueSettings().With(name, value);
        }
    }
}
