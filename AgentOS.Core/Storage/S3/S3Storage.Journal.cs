using System.Globalization;
using System.Text;
using AgentOS.Formats;

namespace AgentOS.Storage.S3;

/// <content>
/// The journal's format and loading. A record (and a checkpoint) is UTF-8 text: a header line, then one line per
/// change, fields separated by tabs (keys never hold control characters): <c>W key version size writtenTicks dataKey</c>
/// for a version that became current, <c>D key</c> for a delete. A checkpoint lists every kept version as W lines.
/// </content>
public sealed partial class S3Storage
{
    private const string HeaderName = "agentos-s3-journal ";
    private static readonly string Header = HeaderName + FormatVersions.S3Journal.ToString(CultureInfo.InvariantCulture);

    private long _nextCommit = 1;
    private int _sinceCheckpoint;
    private readonly List<string> _recordsSinceCheckpoint = [];
    private string? _checkpoint;

    private string DataPrefix => _prefix + "data/";

    private string LogPrefix => _prefix + "log/";

    private string CheckpointPrefix => _prefix + "checkpoint/";

    private static string Number(long commit) => commit.ToString("D12", CultureInfo.InvariantCulture);

    private static void AppendWrite(StringBuilder text, Kept kept) =>
        text.Append("W\t").Append(kept.Entry.Path).Append('\t').Append(kept.Entry.Version.ToString(CultureInfo.InvariantCulture))
            .Append('\t').Append(kept.Entry.Size.ToString(CultureInfo.InvariantCulture))
            .Append('\t').Append(kept.Entry.Written.UtcTicks.ToString(CultureInfo.InvariantCulture))
            .Append('\t').Append(kept.DataKey).Append('\n');

    /// <summary>Reads the newest checkpoint and the records after it, then collects garbage.</summary>
    private async Task LoadAsync(bool createBucket)
    {
        if (createBucket)
        {
            await _client.CreateBucketAsync().ConfigureAwait(false);
        }
        long last = 0;
        var checkpoints = await KeysAsync(CheckpointPrefix).ConfigureAwait(false);
        if (checkpoints.Count > 0)
        {
            _checkpoint = checkpoints[^1];
            last = CommitOf(_checkpoint, CheckpointPrefix);
            Replay(_checkpoint, await RequiredAsync(_checkpoint).ConfigureAwait(false));
        }
        var stale = checkpoints.Take(checkpoints.Count - 1).ToList();
        foreach (var record in await KeysAsync(LogPrefix).ConfigureAwait(false))
        {
            long commit = CommitOf(record, LogPrefix);
            if (commit <= last)
            {
                // Already in the checkpoint: its removal was cut short.
                stale.Add(record);
                continue;
            }
            Replay(record, await RequiredAsync(record).ConfigureAwait(false));
            _recordsSinceCheckpoint.Add(record);
            last = commit;
        }
        _nextCommit = last + 1;
        _sinceCheckpoint = _recordsSinceCheckpoint.Count;

        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var kept in _index.Values)
        {
            referenced.UnionWith(kept.Select(k => k.DataKey));
        }
        foreach (var data in await KeysAsync(DataPrefix).ConfigureAwait(false))
        {
            if (!referenced.Contains(data))
            {
                stale.Add(data);
            }
        }
        await DeleteQuietlyAsync(stale).ConfigureAwait(false);
    }

    private async Task<List<string>> KeysAsync(string prefix)
    {
        var keys = new List<string>();
        await foreach (var item in _client.ListAllAsync(prefix).ConfigureAwait(false))
        {
            keys.Add(item.Key);
        }
        return keys;
    }

    private async Task<string> RequiredAsync(string objectKey)
    {
        var bytes = await _client.GetObjectAsync(objectKey).ConfigureAwait(false)
            ?? throw new StorageCorruptException($"The journal object s3://{_client.Bucket}/{objectKey} vanished while the store was opening: another process is changing this prefix. Give each store its own prefix.");
        return Encoding.UTF8.GetString(bytes);
    }

    private long CommitOf(string objectKey, string folder) =>
        long.TryParse(objectKey.AsSpan(folder.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var commit) && commit > 0
            ? commit
            : throw Corrupt(objectKey, "its name is not a commit number");

    /// <summary>Applies one record (or checkpoint) to the index.</summary>
    private void Replay(string objectKey, string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length > 0 && lines[0] != Header && lines[0].StartsWith(HeaderName, StringComparison.Ordinal)
            && long.TryParse(lines[0].AsSpan(HeaderName.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long journalVersion))
        {
            throw new FormatVersionException($"s3://{_client.Bucket}/{objectKey}", "S3 store journal", journalVersion, FormatVersions.S3Journal);
        }
        if (lines.Length == 0 || lines[0] != Header)
        {
            throw Corrupt(objectKey, $"it does not start with '{Header}'");
        }
        var dropped = new List<string>();
        foreach (var line in lines.Skip(1))
        {
            var fields = line.Split('\t');
            if (fields is ["D", var deleted])
            {
                _index.Remove(deleted);
            }
            else if (fields is ["W", var key, var version, var size, var ticks, var data]
                && int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out int v)
                && long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out long s)
                && long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out long t)
                && t <= DateTimeOffset.MaxValue.UtcTicks)
            {
                if (!_index.TryGetValue(key, out var kept))
                {
                    _index[key] = kept = [];
                }
                Append(kept, new Kept(new StorageEntry(key, s, v, new DateTimeOffset(t, TimeSpan.Zero)), data), dropped);
            }
            else
            {
                throw Corrupt(objectKey, $"the line '{line}' is not a change");
            }
        }
    }

    private StorageCorruptException Corrupt(string objectKey, string why) =>
        new($"The S3 store's journal object s3://{_client.Bucket}/{objectKey} is damaged ({why}). Restore it from a copy of the bucket, or move the prefix aside and start a new store.");

    /// <summary>Writes the whole index as a checkpoint, then removes the records and the checkpoint it replaces.</summary>
    private async Task CheckpointAsync(long commit)
    {
        var text = new StringBuilder(Header).Append('\n');
        lock (_indexGate)
        {
            foreach (var key in _index.Keys.Order(StringComparer.Ordinal))
            {
                foreach (var kept in _index[key])
                {
                    AppendWrite(text, kept);
                }
            }
        }
        var name = CheckpointPrefix + Number(commit);
        await _client.PutObjectAsync(name, Encoding.UTF8.GetBytes(text.ToString())).ConfigureAwait(false);
        List<string> replaced = [.. _recordsSinceCheckpoint];
        if (_checkpoint is not null)
        {
            replaced.Add(_checkpoint);
        }
        _checkpoint = name;
        _recordsSinceCheckpoint.Clear();
        _sinceCheckpoint = 0;
        await DeleteQuietlyAsync(replaced).ConfigureAwait(false);
    }

    /// <summary>Deletes objects nothing refers to any more. A failure leaves garbage that the next open collects, so it
    /// is not the caller's error.</summary>
    private async Task DeleteQuietlyAsync(List<string> keys)
    {
        for (int i = 0; i < keys.Count; i += 16)
        {
            try
            {
                await Task.WhenAll(keys.Skip(i).Take(16).Select(k => _client.DeleteObjectAsync(k))).ConfigureAwait(false);
            }
            catch (StorageException)
            {
                return;
            }
        }
    }
}
