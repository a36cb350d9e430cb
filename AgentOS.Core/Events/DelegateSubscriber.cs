namespace AgentOS.Events;

/// <summary>Adapts a handler delegate to <see cref="IEventSubscriber{TEvent}"/>.</summary>
internal sealed class DelegateSubscriber<TEvent>(Action<TEvent> handler) : IEventSubscriber<TEvent>
{
    public void OnEvent(in TEvent e) => handler(e);
}
