namespace AgentOS.Computer.Documents;

/// <summary>One entry of a workspace listing.</summary>
/// <param name="Path">Workspace-relative, with <c>/</c> separators.</param>
/// <param name="Type"><c>file</c>, <c>directory</c> or <c>symlink</c>.</param>
/// <param name="Size">Bytes, for files.</param>
/// <param name="Modified">Last write time (UTC).</param>
/// <param name="Target">A symlink's target, as written (it is not followed).</param>
internal sealed record WorkspaceEntry(string Path, string Type, long? Size, DateTimeOffset Modified, string? Target = null);
