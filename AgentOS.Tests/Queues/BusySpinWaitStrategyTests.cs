using AgentOS.Queues;

namespace AgentOS.Tests.Queues;

public sealed class BusySpinWaitStrategyTests : WaitStrategyContractTests
{
    protected override WaitStrategy Create() => new BusySpinWaitStrategy();
}
