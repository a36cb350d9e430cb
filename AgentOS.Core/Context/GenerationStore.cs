using System.Buffers.Binary;
using System.Text;
using AgentOS.Storage;

namespace AgentOS.Context;

/// <summary>
/// Keeps preempted generations' snapshots in storage, under <c>kernel/contexts/{agent}/{context}</c>, so a kernel
/// restarted on the same storage (after a crash too) resumes them instead of starting over. A record carries a
/// fingerprint of the query it belongs to: a snapshot is only ever resumed by the same query.
/// </summary>
public sealed class GenerationStore(IStorageBackend storage)
{
    /// <summary>The key prefix of every record.</summary>
    public const string Prefix = "kernel/contexts/";

    private readonly IStorageBackend _storage = storage ?? throw new ArgumentNullException(nameof(storage));

    /// <summary>The storage key of an agent's context.</summary>
    /// <exception cref="InvalidStorageKeyException">The agent or context id cannot be part of a storage key.</exception>
    public static string Key(string agentId, string contextId)
    {
        var key = $"{Prefix}{agentId}/{contextId}";
        StorageKey.ThrowIfInvalid(key);
        return key;
    }

    /// <summary>Stores <paramref name="snapshot"/> as the context's pending generation (durable when it returns).</summary>
    public async ValueTask SaveAsync(string key, string fingerprint, GenerationSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var print = Encoding.UTF8.GetBytes(fingerprint);
        var body = snapshot.ToBytes();
        var record = new byte[4 + print.Length + body.Length];
        BinaryPrimitives.WriteInt32LittleEndian(record, print.Length);
        print.CopyTo(record, 4);
        body.CopyTo(record, 4 + print.Length);
        await _storage.WriteAsync(key, record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The context's pending generation for the query with <paramref name="fingerprint"/>, or
    /// <see langword="null"/> when there is none (or it belongs to another query).</summary>
    /// <exception cref="SnapshotFormatException">The stored record is corrupted.</exception>
    public async ValueTask<GenerationSnapshot?> LoadAsync(string key, string fingerprint, CancellationToken cancellationToken = default)
    {
        var value = await _storage.ReadAsync(key, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (value is not { } found)
        {
            return null;
        }
        var record = found.Data.Span;
        int length = record.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(record) : -1;
        if (length < 0 || length > record.Length - 4)
        {
            throw new SnapshotFormatException($"The stored generation '{key}' is corrupted (bad fingerprint length). Delete it to start the generation again.");
        }
        if (Encoding.UTF8.GetString(record.Slice(4, length)) != fingerprint)
        {
            return null;
        }
        return GenerationSnapshot.FromBytes(record[(4 + length)..]);
    }

    /// <summary>Forgets the context's pending generation (it finished).</summary>
    public async ValueTask DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        await _storage.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
}
