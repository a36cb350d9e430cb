using System.Runtime.CompilerServices;

namespace AgentOS.Events;

/// <summary>
/// The kernel's event bus: typed, lock-free, allocation-free publishing to any number of subscribers, each with its
/// own bounded ring, its own delivery on the thread pool and its own overflow policy.
/// </summary>
/// <remarks>
/// <para>The bus is generic and knows no event types: each layer defines its own (a <c>readonly record struct</c> is
/// best on hot paths) and registers them in <see cref="Types"/> if they are to be spilled or logged.</para>
/// <para><b>Channels.</b> Each event type has one <see cref="EventChannel{TEvent}"/> per bus. A hot-path publisher
/// gets it once (<see cref="GetChannel{TEvent}"/>) and calls <see cref="EventChannel{TEvent}.Publish"/>;
/// <see cref="Publish{TEvent}(in TEvent)"/> finds the channel first, by indexing an array with a per-type number
/// (no dictionary, no lock): a few loads more, and with no channel or no subscriber it returns at once.</para>
/// <para><b>Faults.</b> A subscriber whose handler throws is isolated: the exception is counted
/// (<see cref="EventSubscription.Faults"/>, <see cref="SubscriberFaults"/>) and published on this bus as a
/// <see cref="SubscriberFault"/>; the subscriber keeps receiving later events and nobody else notices.</para>
/// <para>Thread-safety: every member, from any thread.</para>
/// </remarks>
public sealed class EventBus : IDisposable, IAsyncDisposable
{
    internal static readonly SubscriptionOptions DefaultSubscriptionOptions = new();

    private readonly Lock _gate = new();
    private readonly HashSet<EventSubscription> _subscriptions = [];
    private volatile object?[] _channels = [];
    private long _subscriberFaults;
    private int _subscriptionNumber;
    private bool _disposed;

    /// <summary>Creates a bus.</summary>
    /// <param name="types">The registry of named event types, shared with event logs and readers; default a new
    /// one (holding only <see cref="SubscriberFault"/>).</param>
    public EventBus(EventTypes? types = null) => Types = types ?? new EventTypes();

    /// <summary>The named event types this bus can spill and log.</summary>
    public EventTypes Types { get; }

    /// <summary>Handler calls that threw, over all subscriptions.</summary>
    public long SubscriberFaults => Interlocked.Read(ref _subscriberFaults);

    /// <summary>The attached subscriptions (a snapshot).</summary>
    public IReadOnlyList<EventSubscription> Subscriptions
    {
        get
        {
            lock (_gate)
            {
                return [.. _subscriptions];
            }
        }
    }

    /// <summary>Publishes <paramref name="e"/> to the subscribers of <typeparamref name="TEvent"/>. Never blocks, never
    /// allocates in steady state; near-free when nobody subscribes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Publish<TEvent>(in TEvent e)
    {
        var channels = _channels;
        int index = EventTypeIndex<TEvent>.Value;
        if ((uint)index < (uint)channels.Length && channels[index] is { } channel)
        {
            Unsafe.As<EventChannel<TEvent>>(channel).Publish(in e);
        }
    }

    /// <summary>The channel of <typeparamref name="TEvent"/>, created on first use; keep it to publish without the
    /// look-up.</summary>
    public EventChannel<TEvent> GetChannel<TEvent>()
    {
        int index = EventTypeIndex<TEvent>.Value;
        var channels = _channels;
        if ((uint)index < (uint)channels.Length && channels[index] is { } existing)
        {
            return (EventChannel<TEvent>)existing;
        }
        lock (_gate)
        {
            channels = _channels;
            if (index < channels.Length && channels[index] is { } raced)
            {
                return (EventChannel<TEvent>)raced;
            }
            var channel = new EventChannel<TEvent>(this);
            var grown = new object?[Math.Max(index + 1, channels.Length * 2)];
            channels.CopyTo(grown, 0);
            grown[index] = channel;
            _channels = grown; // volatile: publishers see the channel fully built
            return channel;
        }
    }

    /// <summary>Subscribes <paramref name="subscriber"/> to <typeparamref name="TEvent"/> (see
    /// <see cref="EventChannel{TEvent}.Subscribe(IEventSubscriber{TEvent}, SubscriptionOptions?)"/>).</summary>
    /// <exception cref="ArgumentException">The options are out of range.</exception>
    /// <exception cref="EventTypeNotRegisteredException">Spilling was asked for an unregistered type.</exception>
    /// <exception cref="ObjectDisposedException">The bus is disposed.</exception>
    public EventSubscription Subscribe<TEvent>(IEventSubscriber<TEvent> subscriber, SubscriptionOptions? options = null) =>
        GetChannel<TEvent>().Subscribe(subscriber, options);

    /// <summary>Subscribes a handler delegate to <typeparamref name="TEvent"/> (see
    /// <see cref="EventChannel{TEvent}.Subscribe(IEventSubscriber{TEvent}, SubscriptionOptions?)"/>).</summary>
    /// <exception cref="ArgumentException">The options are out of range.</exception>
    /// <exception cref="EventTypeNotRegisteredException">Spilling was asked for an unregistered type.</exception>
    /// <exception cref="ObjectDisposedException">The bus is disposed.</exception>
    public EventSubscription Subscribe<TEvent>(Action<TEvent> handler, SubscriptionOptions? options = null) =>
        GetChannel<TEvent>().Subscribe(handler, options);

    /// <summary>Disposes every subscription (discarding what is queued, see <see cref="EventSubscription.Dispose"/>);
    /// later subscribes throw, later publishes reach nobody.</summary>
    public void Dispose()
    {
        foreach (var subscription in Close())
        {
            subscription.Dispose();
        }
    }

    /// <summary>Disposes every subscription, delivering what was published before the call, and completes when all
    /// deliveries have ended; later subscribes throw, later publishes reach nobody.</summary>
    /// <exception cref="AggregateException">Some subscriptions had failed (see <see cref="EventSubscription.Completion"/>);
    /// all were disposed anyway.</exception>
    public async ValueTask DisposeAsync()
    {
        List<Exception>? failures = null;
        foreach (var subscription in Close())
        {
            try
            {
                await subscription.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception exception) when (subscription.Completion.IsFaulted)
            {
                (failures ??= []).Add(exception);
            }
        }
        if (failures is not null)
        {
            throw new AggregateException("Some event subscriptions had failed; every subscription is disposed.", failures);
        }
    }

    internal int NextSubscriptionNumber() => Interlocked.Increment(ref _subscriptionNumber);

    internal void Track(EventSubscription subscription)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _subscriptions.Add(subscription);
        }
    }

    internal void Untrack(EventSubscription subscription)
    {
        lock (_gate)
        {
            _subscriptions.Remove(subscription);
        }
    }

    internal void ReportFault(EventSubscription subscription, Exception exception)
    {
        Interlocked.Increment(ref _subscriberFaults);
        if (subscription.EventType == typeof(SubscriberFault))
        {
            return; // a fault handler's own fault is only counted: re-publishing it could feed the same handler forever
        }
        var fault = new SubscriberFault
        {
            Subscription = subscription.Name,
            EventType = subscription.EventType.Name,
            ExceptionType = exception.GetType().FullName ?? exception.GetType().Name,
            Message = exception.Message,
            Exception = exception,
        };
        Publish(in fault);
    }

    private EventSubscription[] Close()
    {
        lock (_gate)
        {
            _disposed = true;
            return [.. _subscriptions];
        }
    }
}
