using System.Text.Json;
using AgentOS.Tools;

namespace AgentOS.Tests.Computer.Documents;

/// <summary>Calls a registered tool the way the tool manager does, for the tools' tests.</summary>
public static class ToolCalls
{
    public static async Task<ToolOutput> CallAsync(this ToolRegistry registry, string tool, object arguments, string agent = "alice", CancellationToken cancellationToken = default)
    {
        string json = arguments as string ?? JsonSerializer.Serialize(arguments, arguments.GetType(), JsonOptions);
        using var document = JsonDocument.Parse(json);
        return await registry.Get(tool).InvokeAsync(new ToolCallContext(agent, 1), document.RootElement.Clone(), cancellationToken);
    }

    public static string ErrorCode(this ToolOutput output) =>
        output.IsError && output.Structured is { } s ? s.GetProperty("error").GetProperty("code").GetString()! : "(not an error: " + output.Text + ")";

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
