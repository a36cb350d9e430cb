namespace AgentOS.Syscalls.Queries;

/// <summary>One memory item: id, text, tags and when it was written.</summary>
public sealed record MemoryItem(string Id, string Content, IReadOnlyList<string> Tags, DateTimeOffset Written);
