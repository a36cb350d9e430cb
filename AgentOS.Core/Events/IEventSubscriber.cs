namespace AgentOS.Events;

/// <summary>Receives the events of one type from a subscription.</summary>
/// <typeparam name="TEvent">The event type.</typeparam>
/// <remarks>
/// Thread-safety: a subscription calls <see cref="OnEvent"/> from one thread at a time (a thread-pool thread), in
/// order, never concurrently, so the implementation needs no locking of its own for state only it touches. The call
/// should not block for long: it holds a pool thread. An exception it throws is caught, counted in
/// <see cref="EventSubscription.Faults"/> and reported as a <see cref="SubscriberFault"/> event; delivery continues
/// with the next event.
/// </remarks>
public interface IEventSubscriber<TEvent>
{
    /// <summary>Handles one event. <paramref name="e"/> is valid only during the call: copy what you keep.</summary>
    void OnEvent(in TEvent e);
}
