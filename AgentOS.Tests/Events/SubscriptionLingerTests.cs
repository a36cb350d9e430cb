using System.Numerics;
using AgentOS.Events;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Events;

/// <summary>
/// A drain that delivered something lingers once (re-queued behind the pool's work) before going idle. Exactly-once
/// and per-publisher order hold under concurrent publishers in bursts, every drain that lingered still goes idle
/// without losing a wake-up (each lone event is delivered with nothing published after it), and an ending
/// subscription still delivers what was published before it.
/// </summary>
public sealed class SubscriptionLingerTests
{
    [Test(TimeoutSeconds = 120)]
    public async Task BurstsFromManyPublishersAreDeliveredExactlyOnceInOrder()
    {
        const int publishers = 4, bursts = 2_000;
        var bus = TestBus.Create();
        var agents = TestBus.AgentNames(publishers);
        var recorder = new Recorder(publishers, exact: true);
        long total = 0;
        for (int b = 0; b < bursts; b++)
        {
            total += 1 + b % 8;
        }
        total *= publishers;
        var subscription = bus.Subscribe(recorder, new SubscriptionOptions { Capacity = (int)BitOperations.RoundUpToPowerOf2((uint)total) });

        // Bursts of 1 to 8 with a yield between: the drain keeps finding, lingering and going idle while others publish.
        PublisherThreads.Run(publishers, p =>
        {
            var channel = bus.GetChannel<Ping>();
            long sequence = 0;
            for (int b = 0; b < bursts; b++)
            {
                for (int k = 0; k <= b % 8; k++)
                {
                    channel.Publish(new Ping(p, sequence++, agents[p]));
                }
                Thread.Yield();
            }
        });
        await subscription.DisposeAsync();

        Assert.Equal(total, subscription.Delivered);
        Assert.Equal(total, recorder.Received);
        Assert.Null(recorder.FirstViolation);
        Assert.Equal(0L, subscription.Dropped);
    }

    [Test(TimeoutSeconds = 120)]
    public async Task ALoneEventIsDeliveredWithNothingPublishedAfterIt()
    {
        var bus = TestBus.Create();
        var recorder = new Recorder(1, exact: true);
        var subscription = bus.Subscribe(recorder);
        var channel = bus.GetChannel<Ping>();
        // Each event is the only one until it is delivered: a drain that lingered and then lost the wake-up of the next
        // lone event would leave it undelivered for ever.
        for (int i = 0; i < 2_000; i++)
        {
            channel.Publish(new Ping(0, i, "agent-0"));
            Assert.True(SpinWait.SpinUntil(() => recorder.Received == i + 1, TimeSpan.FromSeconds(30)), $"event {i} was delivered");
        }
        await subscription.DisposeAsync();
        Assert.Equal(2_000L, subscription.Delivered);
        Assert.Null(recorder.FirstViolation);
    }
}
