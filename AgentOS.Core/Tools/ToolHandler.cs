using System.Text.Json;

namespace AgentOS.Tools;

/// <summary>A tool's implementation: takes the call's JSON arguments, returns its output text.</summary>
public delegate ValueTask<string> ToolHandler(JsonElement arguments, CancellationToken cancellationToken);
