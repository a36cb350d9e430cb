namespace AgentOS.Syscalls.Queries;

/// <summary>What a <see cref="MemoryQuery"/> does.</summary>
public enum MemoryOperation
{
    /// <summary>Add an item; returns its id.</summary>
    Add,

    /// <summary>Get an item by id.</summary>
    Get,

    /// <summary>Replace an item's content and tags.</summary>
    Update,

    /// <summary>Remove an item.</summary>
    Remove,

    /// <summary>Find items matching a text query, best first.</summary>
    Search,
}
