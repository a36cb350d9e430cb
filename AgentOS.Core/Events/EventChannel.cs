using System.Numerics;

namespace AgentOS.Events;

/// <summary>
/// The events of one type on one bus: publish here, subscribe here. Get it once with
/// <see cref="EventBus.GetChannel{TEvent}"/> and keep it on hot paths; <see cref="EventBus.Publish{TEvent}(in TEvent)"/>
/// does the same after finding the channel.
/// </summary>
/// <typeparam name="TEvent">The event type: a struct (preferred on hot paths: no allocation per event) or a class.</typeparam>
/// <remarks>
/// <para>Publishing reads the subscriber array once (subscriptions replace it, copy-on-write, under a lock publishers
/// never take) and offers the event to each subscription's own ring. With no subscriber that is one read and a
/// length check. It never blocks on a subscriber and never allocates; see <see cref="OverflowPolicy"/> for what
/// happens when a subscriber's ring is full.</para>
/// <para>Order: events one thread publishes reach each subscriber in that order (for
/// <see cref="OverflowPolicy.DropOldest"/>, minus the dropped ones). Events from different threads interleave.</para>
/// <para>Thread-safety: every member, from any thread.</para>
/// </remarks>
public sealed class EventChannel<TEvent>
{
    private readonly Lock _gate = new();
    private volatile Subscription<TEvent>[] _subscribers = [];

    internal EventChannel(EventBus bus) => Bus = bus;

    /// <summary>The bus this channel belongs to.</summary>
    public EventBus Bus { get; }

    /// <summary>Whether anyone is subscribed: a publisher may skip building an expensive event when not.</summary>
    public bool HasSubscribers => _subscribers.Length != 0;

    /// <summary>How many subscriptions are attached.</summary>
    public int SubscriberCount => _subscribers.Length;

    /// <summary>Offers <paramref name="e"/> to every subscriber. Never blocks, never allocates in steady state.</summary>
    public void Publish(in TEvent e)
    {
        var subscribers = _subscribers;
        for (int i = 0; i < subscribers.Length; i++)
        {
            subscribers[i].Offer(in e);
        }
    }

    /// <summary>Subscribes <paramref name="subscriber"/>: from now on it receives the events published here, on its own
    /// ring and its own delivery.</summary>
    /// <exception cref="ArgumentException">The options are out of range.</exception>
    /// <exception cref="EventTypeNotRegisteredException"><see cref="OverflowPolicy.SpillToFile"/> was asked for a type
    /// not registered in <see cref="EventBus.Types"/> (spilling needs its JSON metadata).</exception>
    /// <exception cref="ObjectDisposedException">The bus is disposed.</exception>
    public EventSubscription Subscribe(IEventSubscriber<TEvent> subscriber, SubscriptionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        options ??= EventBus.DefaultSubscriptionOptions;
        Validate(options);
        var spillType = options.Overflow == OverflowPolicy.SpillToFile
            ? Bus.Types.Get<TEvent>("subscribe with OverflowPolicy.SpillToFile (spilled events are written as JSON)")
            : null;
        string name = options.Name ?? $"{typeof(TEvent).Name}#{Bus.NextSubscriptionNumber()}";
        var subscription = new Subscription<TEvent>(this, subscriber, options, name, spillType);
        lock (_gate)
        {
            Bus.Track(subscription);
            _subscribers = [.. _subscribers, subscription];
        }
        return subscription;
    }

    /// <summary>Subscribes a handler delegate (see <see cref="Subscribe(IEventSubscriber{TEvent}, SubscriptionOptions?)"/>).</summary>
    public EventSubscription Subscribe(Action<TEvent> handler, SubscriptionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Subscribe(new DelegateSubscriber<TEvent>(handler), options);
    }

    internal void Remove(Subscription<TEvent> subscription)
    {
        lock (_gate)
        {
            int index = Array.IndexOf(_subscribers, subscription);
            if (index >= 0)
            {
                _subscribers = [.. _subscribers.AsSpan(0, index), .. _subscribers.AsSpan(index + 1)];
            }
        }
        Bus.Untrack(subscription);
    }

    private static void Validate(SubscriptionOptions options)
    {
        if (options.Capacity < 2 || !BitOperations.IsPow2(options.Capacity))
        {
            throw new ArgumentException(
                $"SubscriptionOptions.Capacity must be a power of two of at least 2; {options.Capacity} is not " +
                $"(try {BitOperations.RoundUpToPowerOf2((uint)Math.Max(options.Capacity, 2))}).", nameof(options));
        }
        if (options.BatchSize < 1)
        {
            throw new ArgumentException($"SubscriptionOptions.BatchSize must be at least 1; it is {options.BatchSize}.", nameof(options));
        }
        if (!Enum.IsDefined(options.Overflow))
        {
            throw new ArgumentException($"SubscriptionOptions.Overflow {(int)options.Overflow} is not an OverflowPolicy.", nameof(options));
        }
    }
}
