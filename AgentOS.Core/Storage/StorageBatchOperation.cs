namespace AgentOS.Storage;

/// <summary>One operation of a <see cref="StorageBatch"/>: a write of <paramref name="Value"/> to
/// <paramref name="Key"/>, or a delete of <paramref name="Key"/>.</summary>
public readonly record struct StorageBatchOperation(StorageBatchOperationKind Kind, string Key, ReadOnlyMemory<byte> Value);
