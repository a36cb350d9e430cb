using System.Collections.Concurrent;
using System.Numerics;
using AgentOS.Events;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Events;

/// <summary>The bus under concurrent publishers: overflow policies, fault isolation, ending a subscription.</summary>
public sealed class EventBusTests
{
    [Test]
    public void PublishingWithoutSubscribersReachesNobody()
    {
        var bus = TestBus.Create();
        bus.Publish(new Ping(0, 0, "agent-0")); // no channel yet
        var channel = bus.GetChannel<Ping>();
        Assert.False(channel.HasSubscribers);
        channel.Publish(new Ping(0, 1, "agent-0"));
        Assert.True(ReferenceEquals(channel, bus.GetChannel<Ping>()), "one channel per type");
        Assert.Equal(0, bus.Subscriptions.Count);
    }

    [Test(TimeoutSeconds = 240)]
    public async Task ThreeSubscribersUnderConcurrentPublishers()
    {
        const int publishers = 4;
        int perPublisher = TestEnvironment.Scale(20_000, 250_000);
        long total = (long)publishers * perPublisher;
        using var spillFolder = new TempDirectory("agentos-events");
        var bus = TestBus.Create();
        var agents = TestBus.AgentNames(publishers);

        // The two slow subscribers hold their first event until publisher 0 is half done, so their tiny rings
        // overflow for certain (no timing involved), then go on slowly while the rest is published.
        using var gate = new ManualResetEventSlim();
        var dropping = new Recorder(publishers, exact: false, slowEvery: 64, gate);
        var spilling = new Recorder(publishers, exact: true, slowEvery: 64, gate);
        var normal = new Recorder(publishers, exact: true);
        var dropSubscription = bus.Subscribe(dropping, new SubscriptionOptions { Name = "drop-oldest", Capacity = 4 });
        var spillSubscription = bus.Subscribe(spilling, new SubscriptionOptions
        {
            Name = "spill",
            Capacity = 4,
            Overflow = OverflowPolicy.SpillToFile,
            SpillDirectory = spillFolder.Path,
        });
        var normalSubscription = bus.Subscribe(normal, new SubscriptionOptions
        {
            Name = "normal",
            Capacity = (int)BitOperations.RoundUpToPowerOf2((uint)total), // room for everything: this one never overflows
        });

        PublisherThreads.Run(publishers, p =>
        {
            var channel = bus.GetChannel<Ping>();
            for (long i = 0; i < perPublisher; i++)
            {
                if (p == 0 && i == perPublisher / 2)
                {
                    gate.Set();
                }
                if ((i & 1) == 0)
                {
                    channel.Publish(new Ping(p, i, agents[p]));
                }
                else
                {
                    bus.Publish(new Ping(p, i, agents[p]));
                }
            }
        });
        await dropSubscription.DisposeAsync();
        await spillSubscription.DisposeAsync();
        await normalSubscription.DisposeAsync();

        Assert.Equal(total, dropSubscription.Delivered + dropSubscription.Dropped, $"drop-oldest: delivered + dropped ({dropSubscription})");
        Assert.Equal(dropping.Received, dropSubscription.Delivered);
        Assert.True(dropSubscription.Dropped > 0, "the gated four-slot ring must have overflowed");
        Assert.Equal(0L, dropSubscription.Discarded);
        dropping.AssertOrdered("drop-oldest", perPublisher);

        Assert.Equal(total, spillSubscription.Delivered, $"spill: delivered ({spillSubscription})");
        Assert.True(spillSubscription.Spilled > 0, "the gated four-slot ring must have spilled");
        Assert.Equal(0L, spillSubscription.Dropped);
        Assert.Equal(0L, spillSubscription.Discarded);
        spilling.AssertOrdered("spill", perPublisher);
        Assert.Equal(0, Directory.GetFiles(spillFolder.Path).Length, "the spill file is deleted when the subscription ends");

        Assert.Equal(total, normalSubscription.Delivered, $"normal: delivered ({normalSubscription})");
        Assert.Equal(0L, normalSubscription.Dropped);
        normal.AssertOrdered("normal", perPublisher);

        Assert.Equal(0, bus.Subscriptions.Count, "disposed subscriptions detach");
        Assert.Equal(0L, bus.SubscriberFaults);
    }

    [Test(TimeoutSeconds = 120)]
    public async Task SpillEpisodesComeAndGoWhilePublishersRun()
    {
        // Publishers work in rounds: each round's burst overflows a two-slot ring into the spill file (an episode),
        // and between rounds the last publisher to arrive waits until the subscriber has delivered everything, so the
        // episode ends, often while the next round's publishers are already racing into the ring. That is where the
        // ordering protocol's races live (a single long episode would never leave the spill path).
        const int publishers = 4;
        const int perRound = 500;
        int rounds = TestEnvironment.Scale(40, 1_000);
        using var spillFolder = new TempDirectory("agentos-events");
        var bus = TestBus.Create();
        var agents = TestBus.AgentNames(publishers);
        var recorder = new Recorder(publishers, exact: true);
        var subscription = bus.Subscribe(recorder, new SubscriptionOptions
        {
            Capacity = 2,
            Overflow = OverflowPolicy.SpillToFile,
            SpillDirectory = spillFolder.Path,
            BatchSize = 16,
        });
        long round = 0;
        using var barrier = new Barrier(publishers, _ =>
        {
            long published = ++round * perRound * publishers;
            while (subscription.Delivered < published)
            {
                Thread.Yield();
            }
        });
        PublisherThreads.Run(publishers, p =>
        {
            var channel = bus.GetChannel<Ping>();
            for (long i = 0; i < (long)rounds * perRound; i++)
            {
                channel.Publish(new Ping(p, i, agents[p]));
                if (i % perRound == perRound - 1)
                {
                    barrier.SignalAndWait();
                }
            }
        });
        await subscription.DisposeAsync();
        long episodes = ((Subscription<Ping>)subscription).SpillEpisodes;
        Assert.Equal((long)publishers * rounds * perRound, subscription.Delivered);
        recorder.AssertOrdered("spill", (long)rounds * perRound);
        Assert.True(episodes > 1, $"bursts of {publishers * perRound} into a two-slot ring start more than one episode ({subscription}; {episodes} episodes)");
    }

    [Test(TimeoutSeconds = 120)]
    public async Task ThrowingSubscriberIsIsolatedAndReported()
    {
        const int publishers = 2;
        int perPublisher = TestEnvironment.Scale(5_000, 100_000);
        long total = (long)publishers * perPublisher;
        var bus = TestBus.Create();
        var agents = TestBus.AgentNames(publishers);
        var reported = new ConcurrentQueue<SubscriberFault>();
        var faultWatcher = bus.Subscribe<SubscriberFault>(reported.Enqueue, new SubscriptionOptions
        {
            Name = "fault watcher",
            Overflow = OverflowPolicy.SpillToFile,
        });
        var faultyFaultWatcher = bus.Subscribe<SubscriberFault>(
            _ => throw new InvalidOperationException("a fault handler that fails too"), new SubscriptionOptions
            {
                Name = "faulty fault watcher",
                Overflow = OverflowPolicy.SpillToFile,
            });
        long faultyReceived = 0;
        var faulty = bus.Subscribe<Ping>(e =>
        {
            faultyReceived++;
            if (e.Sequence % 10 == 0)
            {
                throw new InvalidOperationException($"boom at {e.Publisher}/{e.Sequence}");
            }
        }, new SubscriptionOptions { Name = "faulty", Overflow = OverflowPolicy.SpillToFile, Capacity = 64 });
        var healthy = new Recorder(publishers, exact: true);
        var healthySubscription = bus.Subscribe(healthy, new SubscriptionOptions { Name = "healthy", Overflow = OverflowPolicy.SpillToFile, Capacity = 64 });

        PublisherThreads.Run(publishers, p =>
        {
            for (long i = 0; i < perPublisher; i++)
            {
                bus.Publish(new Ping(p, i, agents[p]));
            }
        });
        await faulty.DisposeAsync();
        await healthySubscription.DisposeAsync();
        await faultWatcher.DisposeAsync(); // every fault was published before this: all are delivered
        await faultyFaultWatcher.DisposeAsync();

        long thrown = total / 10;
        Assert.Equal(total, faulty.Delivered, "the faulty subscriber keeps receiving after each fault");
        Assert.Equal(total, faultyReceived);
        Assert.Equal(thrown, faulty.Faults);
        Assert.True(faulty.LastFault is InvalidOperationException, $"last fault: {faulty.LastFault}");
        healthy.AssertOrdered("healthy", perPublisher);
        Assert.Equal(0L, healthySubscription.Faults);

        Assert.Equal(thrown, (long)reported.Count, "one SubscriberFault event per throw, and none for the fault handler's own faults");
        var first = reported.First();
        Assert.Equal("faulty", first.Subscription);
        Assert.Equal(nameof(Ping), first.EventType);
        Assert.Equal(typeof(InvalidOperationException).FullName, first.ExceptionType);
        Assert.Contains("boom at", first.Message);
        Assert.True(first.Exception is InvalidOperationException);
        Assert.Equal(thrown, faultyFaultWatcher.Faults, "the faulty fault handler's throws are counted");
        Assert.Equal(2 * thrown, bus.SubscriberFaults);
    }

    [Test]
    public async Task DisposeDiscardsWhatIsQueuedAndStopsDelivery()
    {
        var bus = TestBus.Create();
        using var inHandler = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        long received = 0;
        var subscription = bus.Subscribe<Ping>(_ =>
        {
            received++;
            inHandler.Set();
            release.Wait();
        }, new SubscriptionOptions { Capacity = 16 });
        bus.Publish(new Ping(0, 0, "agent-0"));
        inHandler.Wait(); // the first event is in the handler; the next ten wait in the ring
        for (int i = 1; i <= 10; i++)
        {
            bus.Publish(new Ping(0, i, "agent-0"));
        }
        subscription.Dispose();
        Assert.False(bus.GetChannel<Ping>().HasSubscribers, "detached at once");
        release.Set();
        await subscription.Completion;
        bus.Publish(new Ping(0, 11, "agent-0")); // reaches nobody
        Assert.Equal(1L, subscription.Delivered, "only the call already in progress completes");
        Assert.Equal(1L, received);
        Assert.Equal(10L, subscription.Discarded);
        await subscription.DisposeAsync(); // idempotent, and only waits after a Dispose
        subscription.Dispose();
        Assert.Equal(1L, subscription.Delivered);
    }

    [Test]
    public async Task DisposeAsyncDeliversEverythingPublishedBefore()
    {
        using var spillFolder = new TempDirectory("agentos-events");
        var bus = TestBus.Create();
        var recorder = new Recorder(1, exact: true, slowEvery: 100);
        var subscription = bus.Subscribe(recorder, new SubscriptionOptions
        {
            Capacity = 8,
            Overflow = OverflowPolicy.SpillToFile,
            SpillDirectory = spillFolder.Path,
        });
        int count = TestEnvironment.Scale(2_000, 50_000);
        for (int i = 0; i < count; i++)
        {
            bus.Publish(new Ping(0, i, "agent-0"));
        }
        await subscription.DisposeAsync();
        Assert.True(subscription.Completion.IsCompletedSuccessfully);
        Assert.Equal((long)count, subscription.Delivered);
        recorder.AssertOrdered("spill", count);
        Assert.Equal(0L, subscription.Discarded);
    }

    [Test]
    public async Task BusDisposalEndsEverySubscription()
    {
        var bus = TestBus.Create();
        long a = 0;
        long b = 0;
        var first = bus.Subscribe<Ping>(_ => a++);
        var second = bus.Subscribe<Pong>(_ => b++, new SubscriptionOptions { Overflow = OverflowPolicy.SpillToFile });
        bus.Publish(new Ping(0, 0, "agent-0"));
        bus.Publish(new Pong(0, 0, "note", 1.5));
        await bus.DisposeAsync();
        Assert.True(first.Completion.IsCompleted && second.Completion.IsCompleted);
        Assert.Equal(1L, a);
        Assert.Equal(1L, b);
        Assert.Throws<ObjectDisposedException>(() => bus.Subscribe<Ping>(_ => { }));
        bus.Publish(new Ping(0, 1, "agent-0")); // reaches nobody, throws nothing
    }

    [Test]
    public async Task ClassEventsSurviveTheSpillFileUnchanged()
    {
        using var spillFolder = new TempDirectory("agentos-events");
        var bus = TestBus.Create();
        using var gate = new ManualResetEventSlim();
        var received = new List<Pong>();
        var subscription = bus.Subscribe<Pong>(e =>
        {
            gate.Wait();
            received.Add(e);
        }, new SubscriptionOptions { Capacity = 2, Overflow = OverflowPolicy.SpillToFile, SpillDirectory = spillFolder.Path });
        var sent = Enumerable.Range(0, 100).Select(i => new Pong(0, i, $"note \"{i}\" é\n", i / 3.0)).ToList();
        foreach (var pong in sent)
        {
            bus.Publish(pong);
        }
        gate.Set();
        await subscription.DisposeAsync();
        Assert.True(subscription.Spilled > 0, "the gated two-slot ring must have spilled");
        Assert.SequenceEqual(sent, received);
    }

    [Test]
    public async Task AnEventThatCannotBeSpilledIsDroppedAndReportedWithoutTheThrowReachingThePublisher()
    {
        using var folder = new TempDirectory("agentos-events");
        string notADirectory = Path.Combine(folder.Path, "file");
        File.WriteAllText(notADirectory, "a file where the spill folder should be");
        var bus = TestBus.Create();
        var reported = new ConcurrentQueue<SubscriberFault>();
        var watcher = bus.Subscribe<SubscriberFault>(reported.Enqueue);
        using var gate = new ManualResetEventSlim();
        var subscription = bus.Subscribe<Ping>(_ => gate.Wait(), new SubscriptionOptions
        {
            Name = "unspillable",
            Capacity = 2,
            Overflow = OverflowPolicy.SpillToFile,
            SpillDirectory = Path.Combine(notADirectory, "spill"),
        });
        for (int i = 0; i < 10; i++)
        {
            bus.Publish(new Ping(0, i, "agent-0")); // must not throw
        }
        gate.Set();
        await subscription.DisposeAsync();
        await watcher.DisposeAsync();
        Assert.Equal(10L, subscription.Delivered + subscription.Dropped, subscription.ToString());
        Assert.True(subscription.Dropped >= 7, $"at most three fit (two slots and the handler): {subscription}");
        Assert.Equal(0L, subscription.Spilled);
        Assert.Equal(subscription.Dropped, (long)reported.Count, "each failed spill is reported");
        Assert.Equal("unspillable", reported.First().Subscription);
        Assert.True(subscription.LastFault is IOException, $"last fault: {subscription.LastFault}");
    }

    [Test]
    public void InvalidSubscriptionsAreRejected()
    {
        var bus = TestBus.Create();
        var tooSmall = Assert.Throws<ArgumentException>(() => bus.Subscribe<Ping>(_ => { }, new SubscriptionOptions { Capacity = 1 }));
        Assert.Contains("power of two", tooSmall.Message);
        Assert.Throws<ArgumentException>(() => bus.Subscribe<Ping>(_ => { }, new SubscriptionOptions { Capacity = 100 }));
        Assert.Throws<ArgumentException>(() => bus.Subscribe<Ping>(_ => { }, new SubscriptionOptions { BatchSize = 0 }));
        var unregistered = Assert.Throws<EventTypeNotRegisteredException>(
            () => bus.Subscribe<Unregistered>(_ => { }, new SubscriptionOptions { Overflow = OverflowPolicy.SpillToFile }));
        Assert.Equal(typeof(Unregistered), unregistered.EventType);
        Assert.Contains("Register", unregistered.Message);
        Assert.Equal(0, bus.Subscriptions.Count, "a rejected subscription changes nothing");
        using var dropping = bus.Subscribe<Unregistered>(_ => { }); // drop-oldest needs no registration
    }
}
