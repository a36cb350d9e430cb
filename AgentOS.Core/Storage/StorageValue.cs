namespace AgentOS.Storage;

/// <summary>A version read back: its metadata and its bytes. The bytes may be shared with a cache: never write
/// through them (copy with <c>Data.ToArray()</c> to own them).</summary>
public readonly record struct StorageValue(StorageEntry Entry, ReadOnlyMemory<byte> Data);
