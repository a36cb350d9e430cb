namespace AgentOS.Events;

/// <summary>
/// One subscriber's attachment to a bus: its own bounded ring, its own delivery, its counters. Returned by
/// <see cref="EventBus.Subscribe{TEvent}(IEventSubscriber{TEvent}, SubscriptionOptions?)"/>; dispose it to stop.
/// </summary>
/// <remarks>
/// <para><b>Ending.</b> <see cref="DisposeAsync"/> detaches from the bus and then delivers every event that was
/// published before the call (ring and spill file), completing once the last handler call has returned.
/// <see cref="Dispose"/> detaches and discards what is still queued (counted in <see cref="Discarded"/>) without
/// waiting: a handler call already in progress may still be running when it returns, and no other starts after that
/// call; await <see cref="Completion"/> to know delivery has ended. Either way, an event whose publish races with the
/// disposal is delivered or discarded, never left behind uncounted.</para>
/// <para>The counters are read without locks: each is exact once <see cref="Completion"/> has completed, a recent
/// snapshot before.</para>
/// </remarks>
public abstract class EventSubscription : IDisposable, IAsyncDisposable
{
    private protected EventSubscription(string name, SubscriptionOptions options)
    {
        Name = name;
        Overflow = options.Overflow;
        Capacity = options.Capacity;
    }

    /// <summary>The subscription's name (from <see cref="SubscriptionOptions.Name"/> or generated).</summary>
    public string Name { get; }

    /// <summary>The event type it receives.</summary>
    public abstract Type EventType { get; }

    /// <summary>Its overflow policy.</summary>
    public OverflowPolicy Overflow { get; }

    /// <summary>Its ring's capacity.</summary>
    public int Capacity { get; }

    /// <summary>Events handed to the handler (including those whose handler call threw).</summary>
    public abstract long Delivered { get; }

    /// <summary>Events dropped on overflow (<see cref="OverflowPolicy.DropOldest"/>; for
    /// <see cref="OverflowPolicy.SpillToFile"/>, only events that could not be serialized).</summary>
    public abstract long Dropped { get; }

    /// <summary>Events that went through the spill file (<see cref="OverflowPolicy.SpillToFile"/>); they are delivered
    /// too, and counted in <see cref="Delivered"/> when they are.</summary>
    public abstract long Spilled { get; }

    /// <summary>Handler calls that threw.</summary>
    public abstract long Faults { get; }

    /// <summary>The last exception a handler threw, if any.</summary>
    public abstract Exception? LastFault { get; }

    /// <summary>Events discarded because the subscription was disposed (or they raced with its end).</summary>
    public abstract long Discarded { get; }

    /// <summary>Events waiting in the ring (a snapshot; spilled events not included).</summary>
    public abstract int Pending { get; }

    /// <summary>Completes when delivery has ended for good, after <see cref="Dispose"/> or <see cref="DisposeAsync"/>
    /// (or the bus's disposal) and the last handler call. Faulted if the delivery machinery itself failed (an I/O
    /// error on the spill file; handler exceptions never fault it): the subscription then ended on its own, and the
    /// failure was also reported as a <see cref="SubscriberFault"/>.</summary>
    public abstract Task Completion { get; }

    /// <summary>Detaches and discards what is queued, without waiting (see the remarks). Idempotent.</summary>
    public void Dispose()
    {
        End(drain: false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Detaches, delivers everything published before the call, and completes after the last handler call.
    /// Idempotent; after <see cref="Dispose"/> it only waits for <see cref="Completion"/>. Never wait for it from the
    /// subscription's own handler: the delivery it waits for is the one that handler call is holding up.</summary>
    /// <exception cref="IOException">The subscription had failed (see <see cref="Completion"/>).</exception>
    public async ValueTask DisposeAsync()
    {
        End(drain: true);
        GC.SuppressFinalize(this);
        await Completion.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Name}: delivered {Delivered}, dropped {Dropped}, spilled {Spilled}, faults {Faults}, discarded {Discarded}, pending {Pending}";

    private protected abstract void End(bool drain);
}
