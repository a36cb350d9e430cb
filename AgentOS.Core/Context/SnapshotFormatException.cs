namespace AgentOS.Context;

/// <summary>A generation or context snapshot cannot be resumed: truncated, corrupted, of another format version,
/// or taken from another model or backend. Nothing was changed; the generation must start again from its prompt.</summary>
public sealed class SnapshotFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SnapshotFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SnapshotFormatException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public SnapshotFormatException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
