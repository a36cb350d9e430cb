using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentOS.Kernel;

/// <summary>One step of a config-declared <c>tool_steps</c> agent: a tool and its arguments (<c>{input}</c> and
/// <c>{previous}</c> strings are filled in).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class AgentStepConfig
{
    /// <summary>The tool's name.</summary>
    public required string Tool { get; init; }

    /// <summary>Its arguments (default <c>{}</c>).</summary>
    public JsonElement? Arguments { get; init; }
}
