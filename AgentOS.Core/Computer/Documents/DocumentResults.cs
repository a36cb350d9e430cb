namespace AgentOS.Computer.Documents;

// The structured results of the document tools (ToolOutput.Structured), serialized through AgentOSJsonContext in
// snake_case; docs/computer-tools.md shows them. Kept together because they are one tool family's wire shapes.

/// <summary>document.list's result.</summary>
internal sealed record DocumentListResult(string Path, IReadOnlyList<WorkspaceEntry> Entries, bool Truncated);

/// <summary>document.read's result: the text (or base64 for binary content) of a line or byte range.</summary>
internal sealed record DocumentReadResult(string Path, string Content, string Encoding, long Size, bool Truncated)
{
    public long? StartLine { get; init; }
    public long? EndLine { get; init; }
    public long? TotalLines { get; init; }
    public long? Offset { get; init; }
    public long? Length { get; init; }
}

/// <summary>document.write's result.</summary>
internal sealed record DocumentWriteResult(string Path, long BytesWritten, bool Appended);

/// <summary>document.edit's result.</summary>
internal sealed record DocumentEditResult(string Path, int Replacements, long Size);

/// <summary>document.extract's result.</summary>
internal sealed record DocumentExtractResult(string Path, string Format, string Text, long Chars, bool Truncated)
{
    public int? Pages { get; init; }
}

/// <summary>A refused or failed document call: a stable code (<c>not_found</c>, <c>symlink_outside</c>,
/// <c>no_match</c>, <c>ambiguous_match</c>, ...), the message, and for an ambiguous edit the number of matches.</summary>
internal sealed record DocumentError(string Code, string Message)
{
    public int? Count { get; init; }
}

/// <summary>The structured value of an error result.</summary>
internal sealed record DocumentErrorResult(DocumentError Error);
