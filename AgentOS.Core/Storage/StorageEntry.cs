namespace AgentOS.Storage;

/// <summary>One stored version's metadata: its key (<paramref name="Path"/>), size in bytes, version number (1 for the
/// first write of a key, then consecutive) and when it was written (by the backend's clock).</summary>
public sealed record StorageEntry(string Path, long Size, int Version, DateTimeOffset Written);
