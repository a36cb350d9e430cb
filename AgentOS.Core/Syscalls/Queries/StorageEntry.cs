namespace AgentOS.Syscalls.Queries;

/// <summary>A stored file's metadata.</summary>
public sealed record StorageEntry(string Path, long Size, int Version, DateTimeOffset Written);
