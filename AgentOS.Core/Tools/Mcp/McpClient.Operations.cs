using System.Text.Json;
using AgentOS.Mcp.Protocol;

namespace AgentOS.Tools.Mcp;

// The typed operations: tools, resources and prompts (every list follows its pages to the end).
public sealed partial class McpClient
{
    /// <summary>Every tool the server offers.</summary>
    public async Task<IReadOnlyList<Tool>> ListToolsAsync(CancellationToken cancellationToken = default)
    {
        var all = new List<Tool>();
        string? cursor = null;
        do
        {
            var page = await RequestAsync(McpMethods.ToolsList, Page(cursor), Ctx.PaginatedRequestParams, Ctx.ListToolsResult, cancellationToken).ConfigureAwait(false);
            all.AddRange(page.Tools);
            cursor = page.NextCursor;
        }
        while (!string.IsNullOrEmpty(cursor));
        return all;
    }

    /// <summary>Calls a tool. A tool's own failure is a result with <see cref="CallToolResult.IsError"/>; an unknown tool
    /// or bad arguments is an <see cref="AgentOS.Mcp.McpException"/>.</summary>
    public Task<CallToolResult> CallToolAsync(string name, JsonElement? arguments, CancellationToken cancellationToken = default) =>
        RequestAsync(McpMethods.ToolsCall, new CallToolRequestParams { Name = name, Arguments = arguments }, Ctx.CallToolRequestParams, Ctx.CallToolResult, cancellationToken);

    /// <summary>Every resource the server lists.</summary>
    public async Task<IReadOnlyList<Resource>> ListResourcesAsync(CancellationToken cancellationToken = default)
    {
        var all = new List<Resource>();
        string? cursor = null;
        do
        {
            var page = await RequestAsync(McpMethods.ResourcesList, Page(cursor), Ctx.PaginatedRequestParams, Ctx.ListResourcesResult, cancellationToken).ConfigureAwait(false);
            all.AddRange(page.Resources);
            cursor = page.NextCursor;
        }
        while (!string.IsNullOrEmpty(cursor));
        return all;
    }

    /// <summary>Reads a resource.</summary>
    public Task<ReadResourceResult> ReadResourceAsync(string uri, CancellationToken cancellationToken = default) =>
        RequestAsync(McpMethods.ResourcesRead, new ResourceRequestParams { Uri = uri }, Ctx.ResourceRequestParams, Ctx.ReadResourceResult, cancellationToken);

    /// <summary>Every prompt the server lists.</summary>
    public async Task<IReadOnlyList<Prompt>> ListPromptsAsync(CancellationToken cancellationToken = default)
    {
        var all = new List<Prompt>();
        string? cursor = null;
        do
        {
            var page = await RequestAsync(McpMethods.PromptsList, Page(cursor), Ctx.PaginatedRequestParams, Ctx.ListPromptsResult, cancellationToken).ConfigureAwait(false);
            all.AddRange(page.Prompts);
            cursor = page.NextCursor;
        }
        while (!string.IsNullOrEmpty(cursor));
        return all;
    }

    /// <summary>Gets a prompt filled in with <paramref name="arguments"/>.</summary>
    public Task<GetPromptResult> GetPromptAsync(string name, IReadOnlyDictionary<string, string>? arguments = null, CancellationToken cancellationToken = default) =>
        RequestAsync(McpMethods.PromptsGet, new GetPromptRequestParams { Name = name, Arguments = arguments is null ? null : new Dictionary<string, string>(arguments) },
            Ctx.GetPromptRequestParams, Ctx.GetPromptResult, cancellationToken);

    private static PaginatedRequestParams Page(string? cursor) => new() { Cursor = cursor };
}
