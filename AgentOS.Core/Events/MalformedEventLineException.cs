namespace AgentOS.Events;

/// <summary>A line of an event log is not an event: not JSON, not an object with a string <c>type</c> and a
/// <c>data</c> value, or its <c>data</c> does not describe an event of the named type.</summary>
public sealed class MalformedEventLineException : EventLogException
{
    /// <summary>Creates the exception for line <paramref name="lineNumber"/> of <paramref name="path"/>.</summary>
    public MalformedEventLineException(string path, long lineNumber, string problem, Exception? innerException = null)
        : base(path, lineNumber,
            $"{problem}. Each line of an event log is one JSON object {{\"type\": \"<registered name>\", \"data\": <the event>}}; " +
            "fix or remove the line and replay again (nothing was published).", innerException)
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public MalformedEventLineException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public MalformedEventLineException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public MalformedEventLineException() : this("A line of the event log is malformed.")
    {
    }
}
