using System.Text.Json;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Tools;

/// <summary>A registered tool: what a model sees (name, description, argument schema) and how the kernel runs it.</summary>
public sealed class ToolDefinition
{
    /// <summary>The tool's name (letters, digits, <c>_</c>, <c>-</c>, <c>.</c>; at most 64 characters).</summary>
    public required string Name { get; init; }

    /// <summary>What the tool does, for the model.</summary>
    public required string Description { get; init; }

    /// <summary>The JSON schema of the arguments object.</summary>
    public required JsonElement ParametersSchema { get; init; }

    /// <summary>The implementation.</summary>
    public required ToolHandler Handler { get; init; }

    /// <summary>Whether a call cannot be undone (sending mail, deleting data): such calls need human approval.</summary>
    public bool Irreversible { get; init; }

    /// <summary>How many calls of this tool may run at once. Default 4.</summary>
    public int MaxConcurrency { get; init; } = 4;

    /// <summary>The tool as a model sees it.</summary>
    public ToolSpec Spec => new(Name, Description, ParametersSchema);
}
