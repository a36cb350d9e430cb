namespace AgentOS.Formats;

/// <summary>
/// A file in the data folder has a format version this build does not read: written by a newer AgentOS, or not an
/// AgentOS file of that kind at all. Nothing was read from it and nothing was changed. The message names the file,
/// the version found and the versions this build reads, and says how to migrate.
/// </summary>
public sealed class FormatVersionException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/>, a <paramref name="kind"/> of version
    /// <paramref name="found"/>, when this build reads versions up to <paramref name="supported"/>.</summary>
    public FormatVersionException(string path, string kind, long found, int supported)
        : base($"'{path}' is a {kind} of format version {found}; this build of AgentOS reads versions 0 to {supported}. " +
               "It was written by a newer AgentOS: run that version (or a later one) on this data folder, or restore the copy " +
               "taken before the upgrade. AgentOS upgrades old files in place but never downgrades new ones.")
    {
        Path = path;
        Kind = kind;
        Found = found;
        Supported = supported;
    }

    /// <summary>Creates the exception with a message.</summary>
    public FormatVersionException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public FormatVersionException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public FormatVersionException() : this("A file has a format version this build of AgentOS does not read.")
    {
    }

    /// <summary>The file (or storage key) refused.</summary>
    public string Path { get; } = "";

    /// <summary>What kind of file it is (for example "file-store segment").</summary>
    public string Kind { get; } = "";

    /// <summary>The format version found in it.</summary>
    public long Found { get; }

    /// <summary>The newest format version this build reads (it also reads every older one, 0 being the unversioned
    /// files of the first releases).</summary>
    public int Supported { get; }
}
