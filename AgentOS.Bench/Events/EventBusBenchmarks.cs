using System.Threading.Channels;
using AgentOS.Bench.Harness;
using AgentOS.Events;

namespace AgentOS.Bench.Events;

/// <summary>
/// Publish throughput on the kernel's hot path: one thread publishes syscall-transition-sized struct events as fast
/// as it can while one subscriber (a counting handler) is attached, and the clock measures the publisher. The
/// subscriber drains concurrently on the thread pool; after the clock stops the run waits until every event is
/// delivered or dropped, so runs do not overlap.
/// </summary>
/// <remarks>
/// <para>Baseline: the obvious bus, a bounded <see cref="Channel{T}"/> per subscriber with the same semantics (same
/// capacity, <see cref="BoundedChannelFullMode.DropOldest"/>, so the publisher never waits; a single reader looping
/// on <c>WaitToReadAsync</c>/<c>TryRead</c> on the pool). That is the fair comparison: an <c>event Action&lt;T&gt;</c>
/// invoked synchronously would run the handler on the publisher's thread, which is neither isolated nor
/// non-blocking, so it measures a different contract.</para>
/// <para><c>events.publish.nosub</c>: publishing a type nobody subscribes to, through <see cref="EventBus.Publish{TEvent}(in TEvent)"/>
/// (the type look-up included), against invoking an <c>event</c> with no handler (a null check).</para>
/// </remarks>
internal static class EventBusBenchmarks
{
    private const int Capacity = 4096;

    [Benchmark("events.publish.1sub", Baseline = "events.publish.1sub.channel", MultiThreaded = true)]
    public static void PublishOneSubscriber(BenchRun run) => PublishToBus(run, run.Size(2_000_000, 100_000), Capacity);

    [Benchmark("events.publish.1sub.channel", MultiThreaded = true)]
    public static void PublishOneChannel(BenchRun run) => PublishToChannel(run, run.Size(2_000_000, 100_000), Capacity);

    // The same with a ring as large as the run, so nothing overflows: the cost of publishing next to a subscriber
    // that keeps up, without the steal (or, in the channel, the dequeue) that a full ring adds.
    [Benchmark("events.publish.1sub.roomy", Baseline = "events.publish.1sub.roomy.channel", MultiThreaded = true)]
    public static void PublishOneSubscriberRoomy(BenchRun run) => PublishToBus(run, run.Size(1 << 20, 1 << 16), run.Size(1 << 20, 1 << 16));

    [Benchmark("events.publish.1sub.roomy.channel", MultiThreaded = true)]
    public static void PublishOneChannelRoomy(BenchRun run) => PublishToChannel(run, run.Size(1 << 20, 1 << 16), run.Size(1 << 20, 1 << 16));

    private static void PublishToBus(BenchRun run, int n, int capacity)
    {
        var bus = new EventBus();
        var counter = new Counter();
        var subscription = bus.Subscribe(counter, new SubscriptionOptions { Capacity = capacity });
        var channel = bus.GetChannel<SyscallTransition>();
        const string agent = "agent-7";

        run.Start();
        for (int i = 0; i < n; i++)
        {
            channel.Publish(new SyscallTransition(i, agent, 2, i));
        }
        run.Stop(n);

        subscription.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Check(n, subscription.Delivered + subscription.Dropped, "bus");
    }

    private static void PublishToChannel(BenchRun run, int n, int capacity)
    {
        long dropped = 0;
        var queue = Channel.CreateBounded<SyscallTransition>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        }, _ => dropped++); // called under the channel's lock
        var counter = new Counter();
        var reader = Task.Run(async () =>
        {
            while (await queue.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (queue.Reader.TryRead(out var e))
                {
                    counter.OnEvent(in e);
                }
            }
        });
        var writer = queue.Writer;
        const string agent = "agent-7";

        run.Start();
        for (int i = 0; i < n; i++)
        {
            writer.TryWrite(new SyscallTransition(i, agent, 2, i));
        }
        run.Stop(n);

        writer.Complete();
        reader.GetAwaiter().GetResult();
        Check(n, counter.Count + dropped, "channel");
    }

    [Benchmark("events.publish.nosub", Baseline = "events.publish.nosub.event")]
    public static void PublishNoSubscriber(BenchRun run)
    {
        int n = run.Size(20_000_000, 1_000_000);
        var bus = new EventBus();
        bus.GetChannel<SyscallTransition>(); // a channel with an empty subscriber array, as after an unsubscribe
        const string agent = "agent-7";

        run.Start();
        for (int i = 0; i < n; i++)
        {
            bus.Publish(new SyscallTransition(i, agent, 2, i));
        }
        run.Stop(n);
    }

    [Benchmark("events.publish.nosub.event")]
    public static void InvokeEmptyEvent(BenchRun run)
    {
        int n = run.Size(20_000_000, 1_000_000);
        var source = new EventSource();
        const string agent = "agent-7";

        run.Start();
        for (int i = 0; i < n; i++)
        {
            source.Raise(new SyscallTransition(i, agent, 2, i));
        }
        run.Stop(n);
    }

    private static void Check(long expected, long accounted, string name)
    {
        if (expected != accounted)
        {
            throw new InvalidOperationException($"{name}: {expected} published but {accounted} delivered or dropped");
        }
    }

    /// <summary>The size of the syscall layer's transition event: an id, an agent, a stage, a timestamp.</summary>
    private readonly record struct SyscallTransition(long SyscallId, string AgentId, int Stage, long Timestamp);

    private sealed class Counter : IEventSubscriber<SyscallTransition>
    {
        public long Count;
        public long Checksum;

        public void OnEvent(in SyscallTransition e)
        {
            Count++;
            Checksum += e.Stage;
        }
    }

    private sealed class EventSource
    {
        public event Action<SyscallTransition>? Transition;

        public void Raise(in SyscallTransition e) => Transition?.Invoke(e);
    }
}
