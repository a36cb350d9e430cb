namespace AgentOS.Storage.S3;

/// <content>The in-memory index: each key's kept versions, oldest first, and the data object holding each.</content>
public sealed partial class S3Storage
{
    /// <summary>One kept version and the object that holds its bytes.</summary>
    private sealed record Kept(StorageEntry Entry, string DataKey);

    private readonly Lock _indexGate = new();

    // Lists are replaced, never changed in place, once published here: a reader holding one sees a consistent key.
    private readonly Dictionary<string, List<Kept>> _index = new(StringComparer.Ordinal);

    private Kept? Find(string key, int? version)
    {
        lock (_indexGate)
        {
            if (!_index.TryGetValue(key, out var kept) || kept.Count == 0)
            {
                return null;
            }
            if (version is not { } wanted)
            {
                return kept[^1];
            }
            foreach (var k in kept)
            {
                if (k.Entry.Version == wanted)
                {
                    return k;
                }
            }
            return null;
        }
    }

    private List<StorageEntry> VersionsOf(string key)
    {
        lock (_indexGate)
        {
            return _index.TryGetValue(key, out var kept) ? kept.ConvertAll(k => k.Entry) : [];
        }
    }

    private List<StorageEntry> ListIndex(string prefix)
    {
        var entries = new List<StorageEntry>();
        lock (_indexGate)
        {
            foreach (var (key, kept) in _index)
            {
                if (kept.Count > 0 && StorageKey.IsUnder(key, prefix))
                {
                    entries.Add(kept[^1].Entry);
                }
            }
        }
        entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return entries;
    }

    /// <summary>A private copy of a key's kept versions, for a commit to change before publishing.</summary>
    private List<Kept> CopyOf(string key)
    {
        lock (_indexGate)
        {
            return _index.TryGetValue(key, out var kept) ? [.. kept] : [];
        }
    }

    /// <summary>Publishes a commit's changed keys at once, so a reader sees all of a batch or none of it.</summary>
    private void Publish(Dictionary<string, List<Kept>> changed)
    {
        lock (_indexGate)
        {
            foreach (var (key, kept) in changed)
            {
                if (kept.Count == 0)
                {
                    _index.Remove(key);
                }
                else
                {
                    _index[key] = kept;
                }
            }
        }
    }

    /// <summary>Appends a version to a key's list and drops the oldest past the limit; returns the dropped data objects.</summary>
    private void Append(List<Kept> kept, Kept version, List<string> dropped)
    {
        kept.Add(version);
        while (kept.Count > _versionsKept)
        {
            dropped.Add(kept[0].DataKey);
            kept.RemoveAt(0);
        }
    }
}
