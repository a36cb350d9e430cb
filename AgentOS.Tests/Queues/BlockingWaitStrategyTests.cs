using AgentOS.Queues;

namespace AgentOS.Tests.Queues;

public sealed class BlockingWaitStrategyTests : ParkingWaitStrategyContractTests
{
    protected override WaitStrategy Create() => new BlockingWaitStrategy();
}
