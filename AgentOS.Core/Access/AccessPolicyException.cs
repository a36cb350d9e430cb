namespace AgentOS.Access;

/// <summary>Thrown for an access policy (code or JSON) that is malformed or inconsistent; the message names the
/// offending group, agent or entry and what to change.</summary>
public sealed class AccessPolicyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AccessPolicyException()
    {
    }

    /// <summary>Creates the exception with a message that says what to do.</summary>
    public AccessPolicyException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public AccessPolicyException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
