namespace AgentOS.Syscalls.Queries;

/// <summary>
/// One piece of a tool's result beyond its text: an image (a screenshot, a chart) or a file (a report the tool wrote),
/// carried as base64 so that MCP clients and multimodal models receive it as it is. Text pieces let a tool return
/// several labelled parts.
/// </summary>
public sealed record ToolContent
{
    /// <summary><c>"text"</c>, <c>"image"</c> or <c>"file"</c>.</summary>
    public required string Type { get; init; }

    /// <summary>The text of a text piece.</summary>
    public string? Text { get; init; }

    /// <summary>The media type of an image or file (<c>image/png</c>, <c>application/pdf</c>).</summary>
    public string? MimeType { get; init; }

    /// <summary>The bytes of an image or file, base64-encoded.</summary>
    public string? Data { get; init; }

    /// <summary>A file's name (workspace-relative path where it came from a session).</summary>
    public string? Name { get; init; }

    /// <summary>A text piece.</summary>
    public static ToolContent FromText(string text) => new() { Type = "text", Text = text };

    /// <summary>An image piece.</summary>
    public static ToolContent FromImage(ReadOnlySpan<byte> bytes, string mimeType) =>
        new() { Type = "image", MimeType = mimeType, Data = Convert.ToBase64String(bytes) };

    /// <summary>A file piece.</summary>
    public static ToolContent FromFile(string name, ReadOnlySpan<byte> bytes, string mimeType) =>
        new() { Type = "file", Name = name, MimeType = mimeType, Data = Convert.ToBase64String(bytes) };
}
