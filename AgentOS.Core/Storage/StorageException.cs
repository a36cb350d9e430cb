namespace AgentOS.Storage;

/// <summary>
/// The base of every error a storage backend reports: <see cref="InvalidStorageKeyException"/> (bad input, nothing
/// changed), <see cref="StorageNotFoundException"/> (no such key or version), <see cref="StorageCorruptException"/>
/// (stored bytes fail their checksum), <see cref="StorageUnavailableException"/> (the backend cannot be reached or
/// opened) and <see cref="StorageFailedException"/> (an operation failed part way; retrying may help).
/// </summary>
public abstract class StorageException : Exception
{
    /// <summary>Creates the exception with a message that says what to do.</summary>
    protected StorageException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    protected StorageException(string message, Exception? innerException) : base(message, innerException)
    {
    }
}
