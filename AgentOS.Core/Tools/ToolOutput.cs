using System.Text.Json;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Tools;

/// <summary>What a <see cref="ToolCallHandler"/> returns: the text a model reads, and optionally images, files and a
/// structured value.</summary>
public sealed record ToolOutput(string Text)
{
    /// <summary>Images and files besides the text.</summary>
    public IReadOnlyList<ToolContent>? Content { get; init; }

    /// <summary>The result as JSON, matching the tool's <see cref="ToolDefinition.OutputSchema"/>.</summary>
    public JsonElement? Structured { get; init; }

    /// <summary>Whether the call failed in a way the model should read (a command's non-zero exit is not this; a
    /// missing file is).</summary>
    public bool IsError { get; init; }
}
