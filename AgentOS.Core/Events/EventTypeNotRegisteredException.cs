namespace AgentOS.Events;

/// <summary>An operation needs to serialize an event type (spilling, logging) that is not registered in
/// <see cref="EventTypes"/>.</summary>
public sealed class EventTypeNotRegisteredException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="eventType"/>.</summary>
    public EventTypeNotRegisteredException(Type eventType, string purpose)
        : base($"Cannot {purpose}: the event type {eventType.FullName} is not registered. Register it first with " +
               $"bus.Types.Register<{eventType.Name}>(\"<layer>.<name>\", <YourJsonContext>.Default.{eventType.Name}).")
    {
        EventType = eventType;
    }

    /// <summary>Creates the exception with a message.</summary>
    public EventTypeNotRegisteredException(string message) : base(message) => EventType = typeof(object);

    /// <summary>Creates the exception with a message and a cause.</summary>
    public EventTypeNotRegisteredException(string message, Exception innerException) : base(message, innerException) => EventType = typeof(object);

    /// <summary>Creates the exception with a default message.</summary>
    public EventTypeNotRegisteredException() : this("The event type is not registered.")
    {
    }

    /// <summary>The type that is not registered.</summary>
    public Type EventType { get; }
}
