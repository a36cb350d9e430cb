namespace AgentOS.Syscalls.Queries;

/// <summary>One memory item: id, text, tags, when it was written (UTC), and how important its writer said it is.</summary>
public sealed record MemoryItem(string Id, string Content, IReadOnlyList<string> Tags, DateTimeOffset Written, float Importance = 0);
