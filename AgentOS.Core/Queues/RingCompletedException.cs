namespace AgentOS.Queues;

/// <summary>
/// Thrown by a publish that cannot return <see langword="false"/> (<see cref="MpscRing{T}.Publish"/>,
/// <see cref="MpscRing{T}.PublishAsync"/>) after the ring was completed: the consumer is shutting down and will take
/// no more items. The <c>Try</c> methods return <see langword="false"/> instead; check
/// <see cref="MpscRing{T}.IsCompleted"/> to tell "completed" from "full".
/// </summary>
public sealed class RingCompletedException : InvalidOperationException
{
    private const string DefaultMessage =
        "The ring was completed: its consumer is shutting down and accepts no more items. Stop publishing to it.";

    /// <summary>Creates the exception with the default message.</summary>
    public RingCompletedException()
        : base(DefaultMessage)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public RingCompletedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public RingCompletedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
