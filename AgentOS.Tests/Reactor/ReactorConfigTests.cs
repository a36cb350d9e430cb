using AgentOS.Kernel;
using AgentOS.Llm.Faults;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Reactor;

/// <summary>The Reactor and fault drills in the kernel's JSON config: tuned, disabled, validated with typed errors.</summary>
public sealed class ReactorConfigTests
{
    [Test]
    public void TheReactorObjectTunesAndDisablesPlaybooks()
    {
        var config = KernelConfig.Parse("""
            { "reactor": { "actions_per_minute": 7, "retry": { "max_attempts": 2, "base_delay_ms": 5, "seed": 9 },
                           "circuit_breaker": { "enabled": false, "failure_ratio": 0.25 }, "failover": { "enabled": true },
                           "runaway": { "repeated_calls": 4, "tokens_without_progress": 900 } },
              "llm_backends": [ { "type": "echo", "name": "a", "faults": { "rate_limited": 0.2, "cut_stream": 0.1, "retry_after_ms": 50, "seed": 4 } } ] }
            """);
        var options = config.ToOptions();
        Assert.Equal(7, options.Reactor!.ActionsPerMinute);
        Assert.Equal(2, options.Reactor.Retry.MaxAttempts);
        Assert.Equal(9, options.Reactor.Retry.Seed);
        Assert.False(options.Reactor.CircuitBreaker.Enabled);
        Assert.Near(0.25, options.Reactor.CircuitBreaker.FailureRatio, 1e-9);
        Assert.Equal((4, 900L), (options.Reactor.Runaway.RepeatedCalls, options.Reactor.Runaway.TokensWithoutProgress));
        var backend = Assert.NotNull(options.LlmBackends![0] as FaultInjectingLlmBackend);
        Assert.Equal("a", backend.Name);
        Assert.Near(0.3, backend.Faults.Options.FailureRate, 1e-9);
        Assert.Null(KernelConfig.Parse("""{ "reactor": { "enabled": false } }""").ToOptions().Reactor);
        Assert.Null(KernelConfig.Parse("{}").ToOptions().Reactor);
    }

    [Test]
    public void BadValuesAndUnknownKeysAreTypedErrorsNamingTheKey()
    {
        Assert.Contains("reactor.retry.max_attempts", Assert.Throws<KernelConfigException>(() => KernelConfig.Parse("""{ "reactor": { "retry": { "max_attempts": 0 } } }""")).Message);
        Assert.Contains("reactor.actions_per_minute", Assert.Throws<KernelConfigException>(() => KernelConfig.Parse("""{ "reactor": { "actions_per_minute": 0 } }""")).Message);
        Assert.Contains("verify_seconds", Assert.Throws<KernelConfigException>(() => KernelConfig.Parse("""{ "reactor": { "circuit_breaker": { "open_seconds": 10, "verify_seconds": 5 } } }""")).Message);
        Assert.Contains("reactor.runaway.repeated_calls", Assert.Throws<KernelConfigException>(() => KernelConfig.Parse("""{ "reactor": { "runaway": { "repeated_calls": 1 } } }""")).Message);
        Assert.Contains("retires", Assert.Throws<KernelConfigException>(() => KernelConfig.Parse("""{ "reactor": { "retires": {} } }""")).Message);
        Assert.Contains("at most 1", Assert.Throws<KernelConfigException>(() => KernelConfig.Parse("""{ "llm_backends": [ { "type": "echo", "faults": { "timeout": 0.7, "server_error": 0.7 } } ] }""")).Message);
    }
}
