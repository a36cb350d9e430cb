using AgentOS.Storage;

namespace AgentOS.Access;

/// <summary>Thrown by <see cref="StoragePath.Parse"/> (and by storage APIs) for a path that is malformed or would
/// leave its namespace. Nothing was read or written.</summary>
public sealed class StoragePathException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public StoragePathException()
    {
    }

    /// <summary>Creates the exception with a message that says what to do.</summary>
    public StoragePathException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public StoragePathException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="path"/>, refused with <paramref name="error"/> at
    /// <paramref name="position"/> (a UTF-16 index into the path).</summary>
    public StoragePathException(string? path, StorageKeyError error, int position)
        : base(StoragePath.Explain(path, error, position), nameof(path))
    {
        Path = path;
        Error = error;
        Position = position;
    }

    /// <summary>The refused path as given.</summary>
    public string? Path { get; }

    /// <summary>Why it was refused.</summary>
    public StorageKeyError Error { get; }

    /// <summary>The UTF-16 index of the offending character or segment.</summary>
    public int Position { get; }
}
