namespace AgentOS.Events;

/// <summary>A line of an event log names an event type that is not registered in the reader's
/// <see cref="EventTypes"/>.</summary>
public sealed class UnknownEventTypeException : EventLogException
{
    /// <summary>Creates the exception for line <paramref name="lineNumber"/> of <paramref name="path"/>.</summary>
    public UnknownEventTypeException(string path, long lineNumber, string typeName)
        : base(path, lineNumber,
            $"the event type '{typeName}' is not registered. Register it with EventTypes.Register<T>(\"{typeName}\", <its JsonTypeInfo>) " +
            "before replaying (nothing was published)")
    {
        TypeName = typeName;
    }

    /// <summary>Creates the exception with a message.</summary>
    public UnknownEventTypeException(string message) : base(message) => TypeName = "";

    /// <summary>Creates the exception with a message and a cause.</summary>
    public UnknownEventTypeException(string message, Exception innerException) : base(message, innerException) => TypeName = "";

    /// <summary>Creates the exception with a default message.</summary>
    public UnknownEventTypeException() : this("An event type in the log is not registered.")
    {
    }

    /// <summary>The unregistered name the line holds.</summary>
    public string TypeName { get; }
}
