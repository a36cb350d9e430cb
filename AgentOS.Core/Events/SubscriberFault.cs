using System.Text.Json.Serialization;

namespace AgentOS.Events;

/// <summary>
/// Published on the bus whenever a subscriber's handler throws: subscribe to it (or log it, it is registered as
/// <see cref="EventTypes.SubscriberFaultName"/>) to see faults as they happen. The faulty subscription keeps receiving
/// later events. Faults of handlers of this very type are only counted, never re-published, so a faulty fault
/// handler cannot feed itself.
/// </summary>
public sealed class SubscriberFault
{
    /// <summary>The faulty subscription's name.</summary>
    public required string Subscription { get; init; }

    /// <summary>The CLR name of the event type whose handler threw.</summary>
    public required string EventType { get; init; }

    /// <summary>The exception's type name.</summary>
    public required string ExceptionType { get; init; }

    /// <summary>The exception's message.</summary>
    public required string Message { get; init; }

    /// <summary>The exception itself (not serialized: absent from logs and replays).</summary>
    [JsonIgnore]
    public Exception? Exception { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Subscription} ({EventType}): {ExceptionType}: {Message}";
}
