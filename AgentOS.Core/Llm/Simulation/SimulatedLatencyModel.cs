namespace AgentOS.Llm.Simulation;

/// <summary>
/// The simulator's deterministic latency model of one generation slot: time to first token grows linearly with the
/// prompt (prefill), then every output token takes the same decode time. The defaults are in the range of a 7–13B
/// model on one data-centre GPU (prefill about 6,700 tokens/s, decode 50 tokens/s per stream); they are a model, not a
/// measurement of any server.
/// </summary>
public sealed record SimulatedLatencyModel
{
    /// <summary>Fixed time before the first token (scheduling, the first forward pass). Default 25 ms.</summary>
    public TimeSpan FirstTokenBase { get; init; } = TimeSpan.FromMilliseconds(25);

    /// <summary>Prefill time per prompt token. Default 0.15 ms.</summary>
    public TimeSpan PrefillPerToken { get; init; } = TimeSpan.FromTicks(1_500);

    /// <summary>Decode time per generated token. Default 20 ms.</summary>
    public TimeSpan DecodePerToken { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Time to first token for a prompt of <paramref name="inputTokens"/>.</summary>
    public TimeSpan TimeToFirstToken(int inputTokens) => FirstTokenBase + PrefillPerToken * Math.Max(0, inputTokens);

    /// <summary>Time to generate <paramref name="outputTokens"/> after the first token's prefill.</summary>
    public TimeSpan Decode(int outputTokens) => DecodePerToken * Math.Max(0, outputTokens);

    /// <summary>The whole generation, alone on a slot: prefill, then every output token.</summary>
    public TimeSpan Service(int inputTokens, int outputTokens) => TimeToFirstToken(inputTokens) + Decode(outputTokens);

    /// <summary>Checks the model's values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is negative, or the decode time is zero.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(FirstTokenBase, TimeSpan.Zero, nameof(FirstTokenBase));
        ArgumentOutOfRangeException.ThrowIfLessThan(PrefillPerToken, TimeSpan.Zero, nameof(PrefillPerToken));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DecodePerToken, TimeSpan.Zero, nameof(DecodePerToken));
    }
}
