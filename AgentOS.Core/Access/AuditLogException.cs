namespace AgentOS.Access;

/// <summary>Thrown when the audit log cannot record a decision durably (the disk is full, the file was removed...).
/// A caller that gets it must not act on the decision: it was not recorded.</summary>
public sealed class AuditLogException : IOException
{
    /// <summary>Creates the exception.</summary>
    public AuditLogException()
    {
    }

    /// <summary>Creates the exception with a message that says what to do.</summary>
    public AuditLogException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public AuditLogException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
