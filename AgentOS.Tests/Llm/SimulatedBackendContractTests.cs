using AgentOS.Llm;
using AgentOS.Llm.Simulation;

namespace AgentOS.Tests.Llm;

/// <summary>The simulator passes the backend contract on the system clock, with a latency model of microseconds.</summary>
public sealed class SimulatedBackendContractTests : LlmBackendContractTests
{
    protected override ILlmBackend CreateBackend() => new SimulatedLlmBackend(TimeProvider.System, slots: 2, new SimulatedLatencyModel
    {
        FirstTokenBase = TimeSpan.FromMilliseconds(1),
        PrefillPerToken = TimeSpan.FromTicks(10),
        DecodePerToken = TimeSpan.FromTicks(100),
    });
}
