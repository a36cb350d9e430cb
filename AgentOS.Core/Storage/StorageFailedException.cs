namespace AgentOS.Storage;

/// <summary>An operation failed in the backend (an I/O error, a full disk, a server error). A write that fails this
/// way was not acknowledged: it may or may not be visible after a restart, but never half-written.</summary>
public sealed class StorageFailedException : StorageException
{
    /// <summary>Creates the exception with what failed and what to try.</summary>
    public StorageFailedException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }
}
