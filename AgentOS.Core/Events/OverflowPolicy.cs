namespace AgentOS.Events;

/// <summary>What a subscription does with an event that arrives while its ring is full. Either way the publisher
/// never waits for the subscriber.</summary>
public enum OverflowPolicy
{
    /// <summary>
    /// The publisher removes the oldest queued event to make room for the new one and counts it in
    /// <see cref="EventSubscription.Dropped"/>. In one narrow race (the oldest event is being taken by the subscriber,
    /// or its own publisher is still writing it, on every one of a few attempts) the incoming event is dropped instead
    /// and counted the same way. What is delivered is always in publish order per publisher, and
    /// <c>Delivered + Dropped + Discarded</c> equals the events offered.
    /// </summary>
    DropOldest,

    /// <summary>
    /// Nothing is lost: the overflowing event is serialized (with the <see cref="System.Text.Json.Serialization.Metadata.JsonTypeInfo{T}"/>
    /// registered in <see cref="EventBus.Types"/>) and appended to a spill file, and the subscriber receives it later,
    /// exactly once and in publish order per publisher. Spilled events arrive as their JSON round trip. The spill
    /// path is the one place a publisher may wait: on other publishers spilling to the same subscriber (a lock held
    /// for one serialization and a buffered append).
    /// </summary>
    SpillToFile,
}
