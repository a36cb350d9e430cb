using System.Text.Json.Serialization;

namespace AgentOS.Syscalls.Faults;

/// <summary>
/// A fault drill for one LLM backend or tool: the chance of each fault per call, how each behaves, and a seed so a
/// drill repeats exactly. In the kernel config it is an LLM backend's <c>faults</c> object, for example
/// <c>{ "rate_limited": 0.1, "server_error": 0.1, "timeout": 0.05, "cut_stream": 0.05, "retry_after_ms": 200, "seed": 7 }</c>.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class FaultOptions
{
    /// <summary>Chance of a 429 with <see cref="RetryAfterMs"/>.</summary>
    public double RateLimited { get; set; }

    /// <summary>Chance of a 500 (backend failed at once).</summary>
    public double ServerError { get; set; }

    /// <summary>Chance of a timeout: silent for <see cref="TimeoutMs"/>, then backend failed.</summary>
    public double Timeout { get; set; }

    /// <summary>Chance of a stream cut after its first piece (backend failed).</summary>
    public double CutStream { get; set; }

    /// <summary>Chance of a first token delayed by <see cref="SlowFirstTokenMs"/> (the answer still comes).</summary>
    public double SlowFirstToken { get; set; }

    /// <summary>The Retry-After a 429 names. Default 100.</summary>
    public double RetryAfterMs { get; set; } = 100;

    /// <summary>How long a timed-out call stays silent. Default 1000.</summary>
    public double TimeoutMs { get; set; } = 1000;

    /// <summary>How long a slow first token takes. Default 500.</summary>
    public double SlowFirstTokenMs { get; set; } = 500;

    /// <summary>The seed of the fault sequence; unset: a random one.</summary>
    public int? Seed { get; set; }

    /// <summary>The chance that a call fails (the four failing kinds together).</summary>
    [JsonIgnore]
    public double FailureRate => RateLimited + ServerError + Timeout + CutStream;

    /// <summary>A drill failing <paramref name="rate"/> of calls, evenly 429s, 500s, timeouts and cut streams.</summary>
    public static FaultOptions Mixed(double rate, int seed, double retryAfterMs = 100, double timeoutMs = 1000) => new()
    {
        RateLimited = rate / 4,
        ServerError = rate / 4,
        Timeout = rate / 4,
        CutStream = rate / 4,
        RetryAfterMs = retryAfterMs,
        TimeoutMs = timeoutMs,
        Seed = seed,
    };

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentException">A chance is outside 0..1, they add up to more than 1, or a time is negative.</exception>
    public void Validate()
    {
        double[] chances = [RateLimited, ServerError, Timeout, CutStream, SlowFirstToken];
        if (chances.Any(c => !(c is >= 0 and <= 1)) || chances.Sum() > 1 + 1e-9)
        {
            throw new ArgumentException("faults: each chance (rate_limited, server_error, timeout, cut_stream, slow_first_token) must be between 0 and 1, and together at most 1.");
        }
        if (!(RetryAfterMs >= 0 && TimeoutMs >= 0 && SlowFirstTokenMs >= 0))
        {
            throw new ArgumentException("faults: retry_after_ms, timeout_ms and slow_first_token_ms must be 0 or more.");
        }
    }
}
