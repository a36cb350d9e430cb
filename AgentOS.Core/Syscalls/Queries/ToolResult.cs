using System.Text.Json;

namespace AgentOS.Syscalls.Queries;

/// <summary>One tool call's outcome: its output, or the error it raised.</summary>
public sealed record ToolResult(string Name, string Output, bool IsError = false)
{
    /// <summary>The call's id, when it had one.</summary>
    public string? Id { get; init; }

    /// <summary>Images and files the tool returned besides <see cref="Output"/>, in order; <see langword="null"/> when none.</summary>
    public IReadOnlyList<ToolContent>? Content { get; init; }

    /// <summary>The result as a JSON value matching the tool's output schema, when it declares one.</summary>
    public JsonElement? Structured { get; init; }
}
