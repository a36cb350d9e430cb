namespace AgentOS.Formats;

/// <summary>
/// The format version every file kind is written with, in one place. Version 0 is the unversioned layout of
/// commit 2c35f17 and before; readers still read it, and writers always write the current version. A reader meeting a
/// version above its constant throws <see cref="FormatVersionException"/>. Raise a constant only with a reader for the
/// previous version (and a fixture written by it under AgentOS.Tests/Fixtures).
/// </summary>
public static class FormatVersions
{
    /// <summary>File-store segments (<c>segment-*.log</c>): a 16-byte header (magic <c>AOSSEGMT</c>, u32 version,
    /// u32 reserved) before the frames. Version 0 has no header.</summary>
    public const int FileStoreSegment = 1;

    /// <summary>File-store index checkpoints (<c>checkpoint-*.idx</c>): the version is the magic's last character
    /// (<c>AOSCKPT1</c>); 2c35f17 already wrote version 1.</summary>
    public const int FileStoreCheckpoint = 1;

    /// <summary>The SQLite storage backend's database: SQLite's <c>PRAGMA user_version</c>.</summary>
    public const int SqliteStore = 1;

    /// <summary>The S3 storage backend's journal records and checkpoints: a first line <c>agentos-s3-journal 1</c>
    /// (written since the backend's first release).</summary>
    public const int S3Journal = 1;

    /// <summary>Conversation snapshots (storage keys <c>kernel/conversations/…</c>): JSON with <c>format_version</c>.</summary>
    public const int Conversation = 1;

    /// <summary>Event logs: a first line <c>{"format":"agentos.events","format_version":1}</c>.</summary>
    public const int EventLog = 1;

    /// <summary>The kernel config and the access policy files: an optional <c>format_version</c> key.</summary>
    public const int Config = 1;

    // Versioned elsewhere: generation snapshots (Context.GenerationSnapshot.FormatVersion, in their AGSN header since
    // the first release); the memory store's blocks and log and the audit log carry their own versions.
}
