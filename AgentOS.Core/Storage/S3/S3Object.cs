namespace AgentOS.Storage.S3;

/// <summary>One object in a listing: its full key and size in bytes.</summary>
internal readonly record struct S3Object(string Key, long Size);
