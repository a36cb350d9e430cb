using System.Text;
using System.Text.Json;
using AgentOS.Events;
using AgentOS.Mcp;
using AgentOS.Mcp.JsonRpc;
using AgentOS.Mcp.Protocol;
using AgentOS.Serialization;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Hosting.Mcp;

// tools/list and tools/call: the kernel's tools (each call a tool syscall of the session's agent) and the registered
// agents as tools named "agent.NAME" (a run of that agent, which the caller must be allowed to act for; progress
// notifications count its syscalls as they complete).
internal sealed partial class McpSession
{
    public const string AgentToolPrefix = "agent.";

    private ListToolsResult ListTools() => new() { Tools = Server.ListTools() };

    private async ValueTask<byte[]?> CallToolAsync(JsonRpcRequest request, CallToolRequestParams call, IMcpSink sink, CancellationToken cancellationToken)
    {
        var context = new McpRequestContext(this, request.Id, call.Meta?.ProgressToken, sink, cancellationToken) { Tool = call.Name };
        var arguments = call.Arguments ?? McpServer.EmptyObject;
        if (arguments.ValueKind != JsonValueKind.Object)
        {
            throw McpException.InvalidParams("Invalid params: 'arguments' must be an object.");
        }
        CallToolResult result;
        if (Server.Kernel.Tools.Find(call.Name) is not null)
        {
            result = await RunToolAsync(context, call.Name, arguments).ConfigureAwait(false);
        }
        else if (call.Name.StartsWith(AgentToolPrefix, StringComparison.Ordinal) && Server.FindAgent(call.Name[AgentToolPrefix.Length..]) is { } agent)
        {
            result = await RunAgentAsync(context, agent.Name, arguments).ConfigureAwait(false);
        }
        else
        {
            throw McpException.InvalidParams($"Unknown tool: '{call.Name}'. tools/list names them.");
        }
        return McpMessages.Result(request.Id, result, AgentOSJsonContext.Default.CallToolResult);
    }

    private async ValueTask<CallToolResult> RunToolAsync(McpRequestContext context, string name, JsonElement arguments)
    {
        string callId = McpToolCalls.Add(context);
        try
        {
            var syscall = new SyscallRequest { AgentId = AgentId, Tool = new ToolQuery { Call = new ToolCall(name, arguments) { Id = callId } }, ActedBy = ActedBy };
            var response = await Server.Kernel.Port.SubmitAsync(syscall, context.CancellationToken).ConfigureAwait(false);
            return ToCallToolResult(response.Tool!.Result);
        }
        catch (SyscallException ex) when (ex is not InvalidRequestException)
        {
            return Failed(ex); // refused by the kernel (permission, budget, approval...): the model reads why
        }
        finally
        {
            McpToolCalls.Remove(callId);
        }
    }

    private async ValueTask<CallToolResult> RunAgentAsync(McpRequestContext context, string agent, JsonElement arguments)
    {
        if (!Server.Kernel.AccessManager.MayActFor(Principal, agent))
        {
            return Failed(new PermissionDeniedException($"'{Principal.Name}' may not run agent '{agent}': running an agent acts for it, which needs that agent's own credential or the act_for grant."));
        }
        string input = arguments.TryGetProperty("input"u8, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
        long done = 0;
        EventSubscription? progress = null;
        if (context.ProgressToken is not null)
        {
            progress = Server.Kernel.Events.Subscribe<SyscallEvent>(e =>
            {
                if (e.Stage == SyscallStage.Completed && string.Equals(e.AgentId, agent, StringComparison.Ordinal))
                {
                    long n = Interlocked.Increment(ref done);
                    _ = context.ReportProgressAsync(n, null, $"{agent}: {n} syscall(s) completed ({e.Kind})").AsTask();
                }
            }, new SubscriptionOptions { Name = "mcp-agent-progress" });
        }
        try
        {
            string output = await Server.Kernel.RunAgentAsync(agent, input, context.CancellationToken).ConfigureAwait(false);
            return new CallToolResult { Content = [ContentBlock.FromText(output)] };
        }
        catch (SyscallException ex) when (ex is not InvalidRequestException)
        {
            return Failed(ex);
        }
        finally
        {
            if (progress is not null)
            {
                await progress.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static CallToolResult Failed(SyscallException ex)
    {
        var error = SyscallError.From(ex);
        return new CallToolResult { Content = [ContentBlock.FromText($"{error.Code}: {error.Message}")], IsError = true };
    }

    /// <summary>A kernel tool result as MCP content: the text, then each image, audio clip and file.</summary>
    internal static CallToolResult ToCallToolResult(ToolResult result)
    {
        var content = new List<ContentBlock>();
        if (result.Output.Length > 0 || result.Content is not { Count: > 0 })
        {
            content.Add(ContentBlock.FromText(result.Output.Length > 0 || result.Structured is not { } s ? result.Output : s.GetRawText()));
        }
        foreach (var piece in result.Content ?? [])
        {
            content.Add(piece.Type switch
            {
                "text" => ContentBlock.FromText(piece.Text ?? ""),
                "image" => ContentBlock.FromImage(piece.Data ?? "", piece.MimeType ?? "application/octet-stream"),
                _ when piece.MimeType?.StartsWith("audio/", StringComparison.Ordinal) == true => ContentBlock.FromAudio(piece.Data ?? "", piece.MimeType),
                _ => ContentBlock.FromResource(FileResource(piece)),
            });
        }
        return new CallToolResult { Content = content, StructuredContent = result.Structured, IsError = result.IsError ? true : null };
    }

    // A file travels as an embedded resource: text for textual media types, base64 otherwise. A name that is already a
    // URI keeps it; a workspace path becomes agentos://files/PATH.
    private static ResourceContents FileResource(ToolContent piece)
    {
        string name = piece.Name ?? "file";
        string uri = name.Contains("://", StringComparison.Ordinal) ? name : "agentos://files/" + name.TrimStart('/');
        string mime = piece.MimeType ?? "application/octet-stream";
        bool textual = mime.StartsWith("text/", StringComparison.Ordinal) || mime is "application/json" or "application/xml";
        return textual
            ? new ResourceContents { Uri = uri, MimeType = mime, Text = Encoding.UTF8.GetString(Convert.FromBase64String(piece.Data ?? "")) }
            : new ResourceContents { Uri = uri, MimeType = mime, Blob = piece.Data ?? "" };
    }

    // The principal that really asked, when it is not the agent (the audit records it).
    private string? ActedBy => string.Equals(Principal.Name, AgentId, StringComparison.Ordinal) ? null : Principal.Name;
}
