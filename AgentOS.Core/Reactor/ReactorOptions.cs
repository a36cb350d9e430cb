using System.Text.Json.Serialization;

namespace AgentOS.Reactor;

/// <summary>
/// The Reactor's settings: the global fuse and each built-in playbook's. In the kernel's JSON config they are the
/// <c>reactor</c> object (snake_case keys, unknown keys rejected), for example
/// <c>{ "reactor": { "actions_per_minute": 30, "retry": { "max_attempts": 3 }, "circuit_breaker": { "failures": 5 } } }</c>.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ReactorOptions
{
    /// <summary>Whether the Reactor runs at all (default true when the object is present).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The global fuse: at most this many state-changing actions (a breaker opened or closed, an agent
    /// paused) in any minute, so the Reactor can never make a storm worse. Retries and failovers are held by the retry
    /// budget instead. Default 60.</summary>
    public int ActionsPerMinute { get; set; } = 60;

    /// <summary>How many recent Reactor events <see cref="ReactorStatus.Recent"/> keeps. Default 100.</summary>
    public int RecentEvents { get; set; } = 100;

    /// <summary>Retry of transient failures.</summary>
    public RetryPlaybookOptions Retry { get; set; } = new();

    /// <summary>The circuit breaker per LLM backend.</summary>
    public CircuitBreakerPlaybookOptions CircuitBreaker { get; set; } = new();

    /// <summary>The circuit breaker per MCP server (the same keys as <see cref="CircuitBreaker"/>).</summary>
    public CircuitBreakerPlaybookOptions McpCircuitBreaker { get; set; } = new();

    /// <summary>Failover of LLM syscalls from a backend marked down.</summary>
    public FailoverPlaybookOptions Failover { get; set; } = new();

    /// <summary>Pausing agents that repeat a tool call or burn tokens without progress.</summary>
    public RunawayPlaybookOptions Runaway { get; set; } = new();

    /// <summary>Repairing corrupt reads from storage.</summary>
    public StorageCorruptionPlaybookOptions StorageCorruption { get; set; } = new();

    /// <summary>Evicting and compacting an agent's memory before its quota refuses an add.</summary>
    public MemoryPressurePlaybookOptions MemoryPressure { get; set; } = new();

    /// <summary>Durable agents: restarting cut runs from their journals (Reactor/Durable).</summary>
    public DurablePlaybookOptions Durable { get; set; } = new();

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names its key.</exception>
    public void Validate()
    {
        Check(ActionsPerMinute is >= 1 and <= 100_000, "reactor.actions_per_minute must be between 1 and 100000");
        Check(RecentEvents is >= 0 and <= 100_000, "reactor.recent_events must be between 0 and 100000");
        ArgumentNullException.ThrowIfNull(Retry);
        ArgumentNullException.ThrowIfNull(CircuitBreaker);
        ArgumentNullException.ThrowIfNull(Failover);
        ArgumentNullException.ThrowIfNull(Runaway);
        ArgumentNullException.ThrowIfNull(StorageCorruption);
        ArgumentNullException.ThrowIfNull(MemoryPressure);
        ArgumentNullException.ThrowIfNull(McpCircuitBreaker);
        ArgumentNullException.ThrowIfNull(Durable);
        Durable.Validate();
        Check(Retry.MaxAttempts is >= 1 and <= 100, "reactor.retry.max_attempts (runs in all, the first included) must be between 1 and 100");
        Check(Retry.BaseDelayMs is >= 0 and <= 600_000, "reactor.retry.base_delay_ms must be between 0 and 600000");
        Check(Retry.MaxDelayMs >= Retry.BaseDelayMs && Retry.MaxDelayMs <= 3_600_000, "reactor.retry.max_delay_ms must be at least base_delay_ms and at most 3600000");
        Check(Retry.BudgetPerMinute is >= 0 and <= 10_000_000, "reactor.retry.budget_per_minute must be between 0 and 10000000");
        Breaker(CircuitBreaker, "circuit_breaker");
        Breaker(McpCircuitBreaker, "mcp_circuit_breaker");
        Check(Runaway.RepeatedCalls is >= 2 and <= 1_000_000, "reactor.runaway.repeated_calls must be between 2 and 1000000");
        Check(Runaway.WindowSeconds is > 0 and <= 86_400, "reactor.runaway.window_seconds must be above 0 and at most 86400");
        Check(Failover.MoveAfterMs is null or (>= 1 and <= 600_000), "reactor.failover.move_after_ms must be between 1 and 600000 (or unset)");
        Check(MemoryPressure.HighWater is > 0 and <= 1, "reactor.memory_pressure.high_water must be above 0 and at most 1");
        Check(MemoryPressure.LowWater >= 0 && MemoryPressure.LowWater < MemoryPressure.HighWater, "reactor.memory_pressure.low_water must be at least 0 and below high_water");
        Check(Runaway.TokensWithoutProgress is >= 1 and <= 1_000_000_000_000, "reactor.runaway.tokens_without_progress must be between 1 and 1000000000000");
    }

    private static void Breaker(CircuitBreakerPlaybookOptions b, string key)
    {
        Check(b.Failures is >= 1 and <= 100_000, $"reactor.{key}.failures must be between 1 and 100000");
        Check(b.FailureRatio is > 0 and <= 1, $"reactor.{key}.failure_ratio must be above 0 and at most 1");
        Check(b.WindowSeconds is > 0 and <= 86_400, $"reactor.{key}.window_seconds must be above 0 and at most 86400");
        Check(b.OpenSeconds is > 0 and <= 86_400, $"reactor.{key}.open_seconds must be above 0 and at most 86400");
        Check(b.VerifySeconds >= b.OpenSeconds && b.VerifySeconds <= 86_400, $"reactor.{key}.verify_seconds must be at least open_seconds and at most 86400");
        Check(b.CooldownSeconds is >= 0 and <= 86_400, $"reactor.{key}.cooldown_seconds must be between 0 and 86400");
    }

    private static void Check(bool ok, string message)
    {
        if (!ok)
        {
            throw new ArgumentException(message + ".");
        }
    }
}

/// <summary>Retry of transient failures (<c>reactor.retry</c>).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class RetryPlaybookOptions
{
    /// <summary>Whether failed LLM syscalls (rate limited, backend failed, timed out) and calls of idempotent tools
    /// are run again. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Runs of one syscall in all, the first included. Default 4.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The first retry's delay; each later one doubles it, up to <see cref="MaxDelayMs"/>, with jitter (a
    /// random half to whole of it). A Retry-After the backend named is waited out whatever this says. Default 50.</summary>
    public double BaseDelayMs { get; set; } = 50;

    /// <summary>The longest backoff (a longer Retry-After still wins). Default 2000.</summary>
    public double MaxDelayMs { get; set; } = 2000;

    /// <summary>Retries (and failovers) over all syscalls in any minute; beyond it failures reach their callers.
    /// Default 6000.</summary>
    public int BudgetPerMinute { get; set; } = 6000;

    /// <summary>The jitter's seed, for repeatable drills; unset: a random one.</summary>
    public int? Seed { get; set; }
}

/// <summary>The circuit breaker per LLM backend (<c>reactor.circuit_breaker</c>).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class CircuitBreakerPlaybookOptions
{
    /// <summary>Whether backends that keep failing are marked down. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Failed runs (backend_failed: errors, timeouts, cut streams) on one backend within
    /// <see cref="WindowSeconds"/> that open its breaker. Default 5.</summary>
    public int Failures { get; set; } = 5;

    /// <summary>The trigger's window. Default 10.</summary>
    public double WindowSeconds { get; set; } = 10;

    /// <summary>And at least this share of the backend's finished runs in the window failed, so a backend with
    /// scattered faults (which retries handle) is not taken out of service. Default 0.5.</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>How long the breaker stays open before a half-open probe (one small request straight to the
    /// backend); a failed probe waits this long again. Default 5.</summary>
    public double OpenSeconds { get; set; } = 5;

    /// <summary>The verification: a probe must succeed (closing the breaker) within this long after it opened, or the
    /// breaker is undone (the backend marked up again, back to plain Retry-After holds) and the case escalated to the
    /// approver. Default 60.</summary>
    public double VerifySeconds { get; set; } = 60;

    /// <summary>After a case ends, how long the same backend's breaker may not open again. Default 0.</summary>
    public double CooldownSeconds { get; set; }
}

/// <summary>Failover (<c>reactor.failover</c>).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class FailoverPlaybookOptions
{
    /// <summary>Whether LLM syscalls queued for, or failed on, a backend marked down move at once to another backend
    /// that serves their model (counted in the retry budget and attempts). Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A whole-answer LLM run with no answer after this long (a slow first token, a call heading for a
    /// timeout) is given up and moved at once to another backend that serves its model and is up and not held; unset
    /// (the default): runs are never given up. Set it well above the backends' normal latency.</summary>
    public double? MoveAfterMs { get; set; }
}

/// <summary>Runaway agents (<c>reactor.runaway</c>).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class RunawayPlaybookOptions
{
    /// <summary>Whether runaway agents are paused and escalated. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The same tool call (tool and arguments) this many times within <see cref="WindowSeconds"/> pauses the
    /// agent; the call that reaches it is refused. Default 5.</summary>
    public int RepeatedCalls { get; set; } = 5;

    /// <summary>The repeated calls' window. Default 300.</summary>
    public double WindowSeconds { get; set; } = 300;

    /// <summary>Tokens an agent's LLM syscalls may use with no progress between them (a tool call it has not made in
    /// the window, or a memory or storage syscall) before it is paused. Default 200000.</summary>
    public long TokensWithoutProgress { get; set; } = 200_000;
}

/// <summary>Storage corruption (<c>reactor.storage_corruption</c>).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class StorageCorruptionPlaybookOptions
{
    /// <summary>Whether a corrupt current version is quarantined and the last good one served. Default true.</summary>
    public bool Enabled { get; set; } = true;
}

/// <summary>Memory pressure (<c>reactor.memory_pressure</c>).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class MemoryPressurePlaybookOptions
{
    /// <summary>Whether an agent's items are evicted ahead of its memory quota (with <c>memory.over_quota</c>
    /// <c>reject</c>, the default; <c>evict</c> swaps blocks out instead and never refuses). Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>An add that takes the agent's item bytes to this fraction of its quota (<c>memory.agent_quota_bytes</c>)
    /// or past it triggers the playbook. Default 0.9.</summary>
    public double HighWater { get; set; } = 0.9;

    /// <summary>Evicting stops once the agent's item bytes, with the add, are at or under this fraction of its quota
    /// (the verification). Default 0.7.</summary>
    public double LowWater { get; set; } = 0.7;

    /// <summary>Items of this importance or more are never evicted. Default 1.</summary>
    public float ProtectedImportance { get; set; } = 1;
}
