using System.Text;

namespace AgentOS.Storage.S3;

/// <content>Commits: upload the new versions' bytes, write the record (the commit point), publish, clean up.</content>
public sealed partial class S3Storage
{
    private async ValueTask<StorageEntry?[]> CommitOperationsAsync(IReadOnlyList<StorageBatchOperation> operations, CancellationToken cancellationToken)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        await _commitGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            // Handed over: from here the commit completes durably or fails, whatever the token says.
            long commit = _nextCommit;
            var written = new DateTimeOffset(_time.GetUtcNow().UtcTicks, TimeSpan.Zero);
            var changed = new Dictionary<string, List<Kept>>(StringComparer.Ordinal);
            var uploads = new List<(string DataKey, ReadOnlyMemory<byte> Value)>();
            var dropped = new List<string>();
            var record = new StringBuilder(Header).Append('\n');
            var results = new StorageEntry?[operations.Count];
            for (int i = 0; i < operations.Count; i++)
            {
                var op = operations[i];
                if (!changed.TryGetValue(op.Key, out var kept))
                {
                    changed[op.Key] = kept = CopyOf(op.Key);
                }
                if (op.Kind == StorageBatchOperationKind.Delete)
                {
                    dropped.AddRange(kept.Select(k => k.DataKey));
                    kept.Clear();
                    record.Append("D\t").Append(op.Key).Append('\n');
                    continue;
                }
                int version = kept.Count > 0 ? kept[^1].Entry.Version + 1 : 1;
                var added = new Kept(new StorageEntry(op.Key, op.Value.Length, version, written), DataPrefix + Number(commit) + "." + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Append(kept, added, dropped);
                AppendWrite(record, added);
                uploads.Add((added.DataKey, op.Value));
                results[i] = added.Entry;
            }

            // The bytes first, in parallel: until the record exists, no reader or reopen can see them.
            for (int i = 0; i < uploads.Count; i += 16)
            {
                await Task.WhenAll(uploads.Skip(i).Take(16).Select(u => _client.PutObjectAsync(u.DataKey, u.Value))).ConfigureAwait(false);
            }
            await WriteRecordAsync(commit, Encoding.UTF8.GetBytes(record.ToString())).ConfigureAwait(false);
            _nextCommit = commit + 1;
            Publish(changed);

            _recordsSinceCheckpoint.Add(LogPrefix + Number(commit));
            await DeleteQuietlyAsync(dropped).ConfigureAwait(false);
            if (++_sinceCheckpoint >= CheckpointEvery)
            {
                await CheckpointQuietlyAsync(commit).ConfigureAwait(false);
            }
            return results;
        }
        finally
        {
            _commitGate.Release();
        }
    }

    /// <summary>Writes a commit's record. If the PUT fails, reading the record back tells whether it landed anyway (a
    /// lost answer to a stored PUT; another writer's record would differ); when even that cannot be known, the store
    /// stops taking changes rather than guess.</summary>
    private async Task WriteRecordAsync(long commit, byte[] record)
    {
        var name = LogPrefix + Number(commit);
        try
        {
            await _client.PutObjectAsync(name, record, ifAbsent: _conditional).ConfigureAwait(false);
        }
        catch (StorageException first)
        {
            byte[]? landed;
            try
            {
                landed = await _client.GetObjectAsync(name).ConfigureAwait(false);
            }
            catch (StorageException)
            {
                _broken = $"commit {commit}'s record may or may not have been stored ({first.Message}).";
                throw;
            }
            if (landed is null || !landed.AsSpan().SequenceEqual(record))
            {
                throw;
            }
        }
    }

    private async Task CheckpointQuietlyAsync(long commit)
    {
        try
        {
            await CheckpointAsync(commit).ConfigureAwait(false);
        }
        catch (StorageException)
        {
            // The records stay and the next commit tries again; the index on disk is complete either way.
        }
    }
}
