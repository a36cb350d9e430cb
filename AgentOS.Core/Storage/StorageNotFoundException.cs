namespace AgentOS.Storage;

/// <summary>The key, or the version asked for, does not exist (never written, deleted, or a version older than the
/// versions kept). Nothing was changed.</summary>
public sealed class StorageNotFoundException : StorageException
{
    /// <summary>Creates the exception with a message that says what exists instead.</summary>
    public StorageNotFoundException(string key, string message) : base(message) => Key = key;

    /// <summary>The key asked for.</summary>
    public string Key { get; }
}
