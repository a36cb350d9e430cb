using AgentOS.Storage;

namespace AgentOS.Syscalls.Queries;

/// <summary>A storage operation's result.</summary>
public sealed class StorageResponse
{
    /// <summary>An empty result; set what it holds.</summary>
    public StorageResponse()
    {
    }

    // The JSON constructor: a missing `entries` reads as none (see LlmQuery's for why it is needed).
    [System.Text.Json.Serialization.JsonConstructor]
    internal StorageResponse(IReadOnlyList<StorageEntry>? entries = null) => Entries = entries ?? [];

    /// <summary>The bytes read.</summary>
    public byte[]? Data { get; init; }

    /// <summary>The version written, read or restored (the new version a rollback wrote).</summary>
    public int Version { get; init; }

    /// <summary>The version written, read, restored or stat'ed: path, size, version, time written.</summary>
    public StorageEntry? Entry { get; init; }

    /// <summary>Files listed, or a file's versions (oldest first).</summary>
    public IReadOnlyList<StorageEntry> Entries { get; init; } = [];
}
