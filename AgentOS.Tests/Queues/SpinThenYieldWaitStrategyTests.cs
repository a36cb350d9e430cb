using AgentOS.Queues;

namespace AgentOS.Tests.Queues;

public sealed class SpinThenYieldWaitStrategyTests : WaitStrategyContractTests
{
    protected override WaitStrategy Create() => new SpinThenYieldWaitStrategy();
}
