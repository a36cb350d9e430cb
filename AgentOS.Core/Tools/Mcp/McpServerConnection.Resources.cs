using System.Text;
using System.Text.Json;
using AgentOS.Mcp;
using AgentOS.Mcp.Protocol;
using AgentOS.Serialization;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Tools.Mcp;

// A server's resources and prompts reach agents as four more tools of the server (server.mcp-resources-list,
// server.mcp-resource-read, server.mcp-prompts-list, server.mcp-prompt-get): through the SDK's Action module, in
// process and remote alike, granted per agent ("server.*" or by name) and queued in the server's group like its tools.
public sealed partial class McpServerConnection
{
    private const string ResourcesList = "mcp-resources-list";
    private const string ResourceRead = "mcp-resource-read";
    private const string PromptsList = "mcp-prompts-list";
    private const string PromptGet = "mcp-prompt-get";

    private static readonly JsonElement NoArguments = Schema("""{"type":"object","properties":{}}""");

    // The extra tools a server's capabilities call for, as MCP tools (so they register like the server's own).
    private static IEnumerable<Tool> ResourceAndPromptTools(ServerCapabilities capabilities)
    {
        if (capabilities.Resources is not null)
        {
            yield return new Tool { Name = ResourcesList, Description = "Lists this MCP server's resources (uri, name, description, mime type).", InputSchema = NoArguments, Annotations = ReadOnly };
            yield return new Tool
            {
                Name = ResourceRead, Description = "Reads one of this MCP server's resources by its uri.", Annotations = ReadOnly,
                InputSchema = Schema("""{"type":"object","properties":{"uri":{"type":"string","description":"The resource's uri (see mcp-resources-list)."}},"required":["uri"]}"""),
            };
        }
        if (capabilities.Prompts is not null)
        {
            yield return new Tool { Name = PromptsList, Description = "Lists this MCP server's prompts and their arguments.", InputSchema = NoArguments, Annotations = ReadOnly };
            yield return new Tool
            {
                Name = PromptGet, Description = "Gets one of this MCP server's prompts filled in with its arguments (string values).", Annotations = ReadOnly,
                InputSchema = Schema("""{"type":"object","properties":{"name":{"type":"string"},"arguments":{"type":"object","additionalProperties":{"type":"string"}}},"required":["name"]}"""),
            };
        }
    }

    private static ToolAnnotations ReadOnly => new() { ReadOnlyHint = true };

    // Runs one of those tools, or returns null for a tool of the server itself.
    private static async ValueTask<ToolOutput?> CallResourceOrPromptAsync(McpClient client, string tool, JsonElement arguments, CancellationToken cancellationToken)
    {
        switch (tool)
        {
            case ResourcesList:
                var resources = await client.ListResourcesAsync(cancellationToken).ConfigureAwait(false);
                return AsJson(McpJson.ToElement(new ListResourcesResult { Resources = resources }, AgentOSJsonContext.Default.ListResourcesResult));
            case PromptsList:
                var prompts = await client.ListPromptsAsync(cancellationToken).ConfigureAwait(false);
                return AsJson(McpJson.ToElement(new ListPromptsResult { Prompts = prompts }, AgentOSJsonContext.Default.ListPromptsResult));
            case ResourceRead:
                string uri = StringArgument(arguments, "uri") ?? throw McpException.InvalidParams("'uri' is required: name the resource to read.");
                var read = await client.ReadResourceAsync(uri, cancellationToken).ConfigureAwait(false);
                var text = new StringBuilder();
                var content = new List<ToolContent>();
                foreach (var part in read.Contents)
                {
                    if (part.Text is not null)
                    {
                        Line(text, part.Text);
                    }
                    else if (part.Blob is not null)
                    {
                        content.Add(new ToolContent { Type = "file", Name = part.Uri, MimeType = part.MimeType ?? "application/octet-stream", Data = part.Blob });
                    }
                }
                return new ToolOutput(text.ToString()) { Content = content.Count == 0 ? null : content };
            case PromptGet:
                string name = StringArgument(arguments, "name") ?? throw McpException.InvalidParams("'name' is required: name the prompt to get.");
                var values = new Dictionary<string, string>(StringComparer.Ordinal);
                if (arguments.ValueKind == JsonValueKind.Object && arguments.TryGetProperty("arguments", out var given) && given.ValueKind == JsonValueKind.Object)
                {
                    foreach (var value in given.EnumerateObject())
                    {
                        values[value.Name] = value.Value.ValueKind == JsonValueKind.String ? value.Value.GetString()! : value.Value.GetRawText();
                    }
                }
                var prompt = await client.GetPromptAsync(name, values, cancellationToken).ConfigureAwait(false);
                var messages = new StringBuilder();
                foreach (var message in prompt.Messages)
                {
                    Line(messages, $"{message.Role}: {message.Content.Text ?? message.Content.Resource?.Text ?? $"[{message.Content.Type}]"}");
                }
                return new ToolOutput(messages.ToString()) { Structured = McpJson.ToElement(prompt, AgentOSJsonContext.Default.GetPromptResult) };
            default:
                return null;
        }
    }

    private static ToolOutput AsJson(JsonElement value) => new(value.GetRawText()) { Structured = value };

    private static string? StringArgument(JsonElement arguments, string name) =>
        arguments.ValueKind == JsonValueKind.Object && arguments.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static JsonElement Schema(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
