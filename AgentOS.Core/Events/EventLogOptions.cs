namespace AgentOS.Events;

/// <summary>How an <see cref="EventLog"/> writes.</summary>
public sealed class EventLogOptions
{
    /// <summary>Append to an existing file instead of replacing it. Default <see langword="false"/>.</summary>
    public bool Append { get; init; }

    /// <summary>Each logged type's ring size (a power of two); overflow spills to a file, so nothing is lost either
    /// way. Default 8192.</summary>
    public int Capacity { get; init; } = 8192;

    /// <summary>Where overflowing events wait (see <see cref="SubscriptionOptions.SpillDirectory"/>); default the
    /// system temp folder.</summary>
    public string? SpillDirectory { get; init; }
}
