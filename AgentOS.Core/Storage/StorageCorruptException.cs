namespace AgentOS.Storage;

/// <summary>Stored bytes failed their checksum or framing where no crash can explain it (not a torn tail, which
/// recovery truncates). The store refuses to return them rather than return wrong data.</summary>
public sealed class StorageCorruptException : StorageException
{
    /// <summary>Creates the exception naming what is corrupt and what to do (restore from a copy, or delete the key).</summary>
    public StorageCorruptException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }
}
