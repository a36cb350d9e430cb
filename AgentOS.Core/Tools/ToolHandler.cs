using System.Text.Json;

namespace AgentOS.Tools;

/// <summary>A simple tool's implementation: takes the call's JSON arguments, returns its output text.</summary>
public delegate ValueTask<string> ToolHandler(JsonElement arguments, CancellationToken cancellationToken);

/// <summary>A tool's implementation that knows its caller and may return images, files and structured output.</summary>
public delegate ValueTask<ToolOutput> ToolCallHandler(ToolCallContext context, JsonElement arguments, CancellationToken cancellationToken);
