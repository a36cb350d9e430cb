namespace AgentOS.Access;

/// <summary>A credentials file (<see cref="CredentialFile"/>) cannot be read or holds an invalid entry; the message says which and how to fix it.</summary>
public sealed class CredentialFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CredentialFileException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CredentialFileException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public CredentialFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
