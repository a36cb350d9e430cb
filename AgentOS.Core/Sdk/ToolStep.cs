using System.Text.Json;

namespace AgentOS.Sdk;

/// <summary>One step of a <see cref="ToolStepsAgent"/>: the tool and its arguments.</summary>
/// <param name="Tool">The tool's name.</param>
/// <param name="Arguments">Its arguments (an object; <c>{input}</c> and <c>{previous}</c> are filled in).</param>
public sealed record ToolStep(string Tool, JsonElement Arguments);
