using System.Text.Json;
using AgentOS.Formats;
using AgentOS.Storage;

namespace AgentOS.Context;

/// <summary>
/// Keeps conversation contexts in storage under <c>kernel/conversations/{agent}/{context}</c> (beside, not inside,
/// <see cref="GenerationStore"/>'s <c>kernel/contexts/</c> snapshots), one JSON record each, rewritten after every
/// turn, so a kernel restarted on the same storage continues the conversation. Each record carries
/// <c>format_version</c> (<see cref="FormatVersions.Conversation"/>); records of 2c35f17 have none and read as version 0.
/// </summary>
public sealed class ConversationStore(IStorageBackend storage)
{
    /// <summary>The key prefix of every record.</summary>
    public const string Prefix = "kernel/conversations/";

    private readonly IStorageBackend _storage = storage ?? throw new ArgumentNullException(nameof(storage));

    /// <summary>The storage key of an agent's conversation.</summary>
    /// <exception cref="InvalidStorageKeyException">The agent or context id cannot be part of a storage key.</exception>
    public static string Key(string agentId, string contextId)
    {
        var key = $"{Prefix}{agentId}/{contextId}";
        StorageKey.ThrowIfInvalid(key);
        return key;
    }

    /// <summary>Writes <paramref name="context"/> (durable when it returns).</summary>
    public async ValueTask SaveAsync(ConversationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("format_version", FormatVersions.Conversation);
            json.WriteString("agent", context.AgentId);
            json.WriteString("id", context.Id);
            json.WriteNumber("prompt_tokens", context.PromptTokensUsed);
            json.WriteNumber("completion_tokens", context.CompletionTokensUsed);
            json.WriteStartArray("messages");
            foreach (var message in context.Messages)
            {
                json.WriteStartObject();
                json.WriteString("role", message.Role);
                json.WriteString("content", message.Content);
                json.WriteNumber("tokens", message.Tokens);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        await _storage.WriteAsync(Key(context.AgentId, context.Id), buffer.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every stored conversation, made with <paramref name="create"/> (agent, id) and filled from storage.
    /// A record that cannot be read is skipped (its conversation starts again) rather than stop the kernel.</summary>
    /// <exception cref="FormatVersionException">A record was written by a newer AgentOS (its format_version is above
    /// <see cref="FormatVersions.Conversation"/>).</exception>
    public async ValueTask<IReadOnlyList<ConversationContext>> LoadAllAsync(Func<string, string, ConversationContext> create, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(create);
        var result = new List<ConversationContext>();
        foreach (var entry in await _storage.ListAsync(Prefix, cancellationToken).ConfigureAwait(false))
        {
            if (await _storage.ReadAsync(entry.Path, cancellationToken: cancellationToken).ConfigureAwait(false) is { } value
                && Parse(entry.Path, value.Data, create) is { } context)
            {
                result.Add(context);
            }
        }
        return result;
    }

    // A record without format_version is version 0 (2c35f17), the same fields. A newer version is refused (the
    // kernel does not start) rather than skipped: skipping would overwrite it with a new conversation at the next turn.
    private static ConversationContext? Parse(string key, ReadOnlyMemory<byte> data, Func<string, string, ConversationContext> create)
    {
        try
        {
            using var document = JsonDocument.Parse(data);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("format_version", out var version)
                && (!version.TryGetInt64(out long found) || found is < 0 or > FormatVersions.Conversation))
            {
                throw new FormatVersionException(key, "conversation snapshot", version.TryGetInt64(out found) ? found : -1, FormatVersions.Conversation);
            }
            var context = create(root.GetProperty("agent").GetString()!, root.GetProperty("id").GetString()!);
            var messages = root.GetProperty("messages").EnumerateArray()
                .Select(m => new ContextMessage(m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!, m.GetProperty("tokens").GetInt32()))
                .ToList();
            context.Restore(messages, root.GetProperty("prompt_tokens").GetInt64(), root.GetProperty("completion_tokens").GetInt64());
            return context;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            return null;
        }
    }
}
