namespace AgentOS.Memory;

/// <summary>
/// A memory file (a block, the log's state or one of its entries) is of a format this version cannot read, or is
/// damaged; the message says which file and what to do. Nothing was changed by the open that refused it.
/// </summary>
public sealed class MemoryFormatException : IOException
{
    /// <summary>Creates the exception with which file, what is wrong and how to migrate or repair.</summary>
    public MemoryFormatException(string message) : base(message)
    {
    }

    internal static MemoryFormatException Newer(string key, int found, int supported) => new(
        $"Memory file '{key}' has format {found}; this AgentOS reads memory format {supported} (and the blocks-only layout before it). " +
        "It was written by a newer AgentOS: open the data folder with that version, or export the memory with it (search and re-add) before downgrading.");

    internal static MemoryFormatException Damaged(string key) => new(
        $"Memory file '{key}' is damaged (its header or length does not check): the storage was changed outside AgentOS. Restore the data folder from a backup, or delete the key to drop that one change.");
}
