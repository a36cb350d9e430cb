using AgentOS.Queues;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Queues;

public sealed class SpinThenParkWaitStrategyTests : ParkingWaitStrategyContractTests
{
    protected override WaitStrategy Create() => new SpinThenParkWaitStrategy();

    [Test]
    public void IsTheDefault()
    {
        Assert.True(WaitStrategy.CreateDefault() is SpinThenParkWaitStrategy);
        Assert.True(new MpscRing<int>(2).WaitStrategy is SpinThenParkWaitStrategy);
        Assert.True(new SpscRing<int>(2).WaitStrategy is SpinThenParkWaitStrategy);
    }

    [Test]
    public void ANegativeSpinCountIsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SpinThenParkWaitStrategy(-1));

    [Test]
    public void ASpinCountOfZeroParksAtOnceAndStillWakes()
    {
        var strategy = new SpinThenParkWaitStrategy(spinCount: 0);
        var ring = new MpscRing<long>(2, strategy);
        var producer = Helpers.Worker.Start(() =>
        {
            Thread.Sleep(20);
            ring.Publish(1);
        });
        Assert.True(ring.WaitForItems());
        producer.Join();
    }
}
