namespace AgentOS.Events;

/// <summary>An event log could not be read: the base of <see cref="MalformedEventLineException"/> and
/// <see cref="UnknownEventTypeException"/>, naming the file and the 1-based line.</summary>
public class EventLogException : Exception
{
    /// <summary>Creates the exception for line <paramref name="lineNumber"/> of <paramref name="path"/>.</summary>
    public EventLogException(string path, long lineNumber, string message, Exception? innerException = null)
        : base($"{path}:{lineNumber}: {message}", innerException)
    {
        Path = path;
        LineNumber = lineNumber;
    }

    /// <summary>Creates the exception with a message.</summary>
    public EventLogException(string message) : base(message) => Path = "";

    /// <summary>Creates the exception with a message and a cause.</summary>
    public EventLogException(string message, Exception innerException) : base(message, innerException) => Path = "";

    /// <summary>Creates the exception with a default message.</summary>
    public EventLogException() : this("The event log could not be read.")
    {
    }

    /// <summary>The log file.</summary>
    public string Path { get; }

    /// <summary>The 1-based line at fault (0 when not about a line).</summary>
    public long LineNumber { get; }
}
