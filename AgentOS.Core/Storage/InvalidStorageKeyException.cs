namespace AgentOS.Storage;

/// <summary>A key or prefix is not a valid <see cref="StorageKey"/>. Nothing was read or written.</summary>
public sealed class InvalidStorageKeyException : StorageException
{
    /// <summary>Creates the exception for <paramref name="key"/>, refused with <paramref name="error"/> at
    /// <paramref name="position"/> (a UTF-16 index into the key).</summary>
    public InvalidStorageKeyException(string? key, StorageKeyError error, int position)
        : base(StorageKey.Explain(key, error, position))
    {
        Key = key;
        Error = error;
        Position = position;
    }

    /// <summary>The refused key as given.</summary>
    public string? Key { get; }

    /// <summary>Why it was refused.</summary>
    public StorageKeyError Error { get; }

    /// <summary>The UTF-16 index of the offending character or segment.</summary>
    public int Position { get; }
}
