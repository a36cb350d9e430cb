namespace AgentOS.Storage;

/// <summary>The backend cannot be used at all: its library is missing, its server unreachable, its folder not
/// writable, or it was disposed. Nothing was changed; the message names what to install, start or fix.</summary>
public sealed class StorageUnavailableException : StorageException
{
    /// <summary>Creates the exception with a message that names what to install, start or fix.</summary>
    public StorageUnavailableException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }
}
