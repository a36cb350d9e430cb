namespace AgentOS.Storage.Files;

/// <summary>Where one version lives: its number, time written, and its value's segment, offset, length and checksum.</summary>
internal readonly record struct VersionRecord(int Version, long Ticks, int Segment, long Offset, int Length, uint Crc)
{
    // Bytes a version occupies in its segment, roughly (value plus its op header); for deciding when to compact.
    public long Footprint => Length + 32L;

    public StorageEntry ToEntry(string key) => new(key, Length, Version, new DateTimeOffset(Ticks, TimeSpan.Zero));
}
