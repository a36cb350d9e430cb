using System.Text.Json;

namespace AgentOS.Syscalls.Queries;

/// <summary>One call of a tool by name with JSON arguments (from the model's plan, or written by the agent).</summary>
public sealed record ToolCall(string Name, JsonElement Arguments)
{
    /// <summary>The model's id for the call, echoed in the result.</summary>
    public string? Id { get; init; }
}
