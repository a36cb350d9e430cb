using System.Text.Json;

namespace AgentOS.Syscalls.Queries;

/// <summary>One call of a tool by name with JSON arguments (from the model's plan, or written by the agent).</summary>
public sealed record ToolCall(string Name, JsonElement Arguments)
{
    /// <summary>The model's id for the call, echoed in the result.</summary>
    public string? Id { get; init; }

    /// <summary>
    /// The text the model wrote as the call's arguments when it is not a JSON object (then <see cref="Arguments"/> is
    /// <c>{}</c>). Such a call is never run: the SDK answers it with an error result that quotes this text, so the model
    /// can correct itself, and the conversation sends the text back as the model wrote it.
    /// </summary>
    public string? MalformedArguments { get; init; }
}
