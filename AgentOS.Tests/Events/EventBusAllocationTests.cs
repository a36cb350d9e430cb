using AgentOS.Events;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Events;

/// <summary>Publishing allocates nothing once warm, with subscribers attached and overflowing.</summary>
public sealed class EventBusAllocationTests
{
    private sealed class Counter : IEventSubscriber<Ping>
    {
        public long Count;

        public void OnEvent(in Ping e) => Count++;
    }

    [Test(TimeoutSeconds = 120)]
    public async Task PublishAllocatesNothingWithSubscribersAttached()
    {
        Skip.UnlessOptimized();
        var bus = TestBus.Create();
        var roomy = bus.Subscribe(new Counter(), new SubscriptionOptions { Capacity = 1024 });
        var tiny = bus.Subscribe(new Counter(), new SubscriptionOptions { Capacity = 4 }); // overflows: publishers steal
        var channel = bus.GetChannel<Ping>();
        const string agent = "agent-0";

        void PublishMany(int count)
        {
            for (int i = 0; i < count; i++)
            {
                channel.Publish(new Ping(0, i, agent));
                bus.Publish(new Ping(0, i, agent));
                bus.Publish(new Unregistered(i)); // no channel: the near-free path
            }
        }

        for (int round = 0; round < 5; round++)
        {
            PublishMany(20_000);
            Thread.Sleep(100); // lets tiered compilation finish the hot methods (not a timing assertion)
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        PublishMany(TestEnvironment.Scale(50_000, 1_000_000));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        await roomy.DisposeAsync();
        await tiny.DisposeAsync();
        Assert.Equal(0L, allocated, "bytes allocated by the publishing thread");
        Assert.True(tiny.Dropped > 0, "the four-slot subscriber overflowed while measured");
    }

    [Test(TimeoutSeconds = 120)]
    public async Task SpillingAllocatesNothingOnThePublisherOnceWarm()
    {
        Skip.UnlessOptimized();
        using var spillFolder = new TempDirectory("agentos-events");
        var bus = TestBus.Create();
        using var gate = new ManualResetEventSlim();
        var spilling = bus.Subscribe<Ping>(_ => gate.Wait(), new SubscriptionOptions
        {
            Capacity = 2,
            Overflow = OverflowPolicy.SpillToFile,
            SpillDirectory = spillFolder.Path,
        });
        const string agent = "agent-0";
        long sequence = 0;

        void PublishMany(int count)
        {
            for (int i = 0; i < count; i++)
            {
                bus.Publish(new Ping(0, sequence++, agent));
            }
        }

        for (int round = 0; round < 5; round++)
        {
            PublishMany(5_000);
            Thread.Sleep(100);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        PublishMany(TestEnvironment.Scale(20_000, 200_000));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        gate.Set();
        await spilling.DisposeAsync();

        Assert.Equal(sequence, spilling.Delivered);
        Assert.True(spilling.Spilled > sequence / 2, $"the gated ring spilled ({spilling})");
        Assert.Equal(0L, allocated, "bytes allocated by the spilling thread");
    }
}
