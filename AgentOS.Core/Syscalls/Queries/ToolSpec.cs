using System.Text.Json;

namespace AgentOS.Syscalls.Queries;

/// <summary>A tool as a model sees it: name, description and the JSON schema of its arguments.</summary>
public sealed record ToolSpec(string Name, string Description, JsonElement ParametersSchema);
