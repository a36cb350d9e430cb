namespace AgentOS.Events;

/// <summary>How one subscription queues and delivers its events.</summary>
public sealed class SubscriptionOptions
{
    /// <summary>The default <see cref="Capacity"/>.</summary>
    public const int DefaultCapacity = 4096;

    /// <summary>The default <see cref="BatchSize"/>.</summary>
    public const int DefaultBatchSize = 256;

    /// <summary>A name for diagnostics and fault reports; default the event type's name and a number.</summary>
    public string? Name { get; init; }

    /// <summary>The subscriber's ring size: a power of two, at least 2. Default <see cref="DefaultCapacity"/>.</summary>
    public int Capacity { get; init; } = DefaultCapacity;

    /// <summary>What happens when the ring is full. Default <see cref="OverflowPolicy.DropOldest"/>.</summary>
    public OverflowPolicy Overflow { get; init; } = OverflowPolicy.DropOldest;

    /// <summary>Where <see cref="OverflowPolicy.SpillToFile"/> creates its spill file (deleted when the subscription
    /// ends); default the system temp folder.</summary>
    public string? SpillDirectory { get; init; }

    /// <summary>
    /// The most events one drain delivers before it gives its thread-pool thread back and queues itself again, so a
    /// busy subscriber cannot monopolize a pool thread. Default <see cref="DefaultBatchSize"/>.
    /// </summary>
    public int BatchSize { get; init; } = DefaultBatchSize;
}
