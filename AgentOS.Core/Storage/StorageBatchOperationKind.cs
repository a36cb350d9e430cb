namespace AgentOS.Storage;

/// <summary>What a <see cref="StorageBatchOperation"/> does.</summary>
public enum StorageBatchOperationKind
{
    /// <summary>Write a new version.</summary>
    Write,

    /// <summary>Delete the key and all its versions.</summary>
    Delete,
}
