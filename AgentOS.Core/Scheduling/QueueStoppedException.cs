namespace AgentOS.Scheduling;

/// <summary>Thrown when an item is submitted to a queue that is stopping or has stopped.</summary>
public sealed class QueueStoppedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public QueueStoppedException()
    {
    }

    /// <summary>Creates the exception with a message that says what to do.</summary>
    public QueueStoppedException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public QueueStoppedException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
