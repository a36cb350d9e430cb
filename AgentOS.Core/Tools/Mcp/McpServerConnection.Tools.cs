using System.Text;
using System.Text.Json;
using AgentOS.Mcp;
using AgentOS.Mcp.JsonRpc;
using AgentOS.Mcp.Protocol;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Tools.Mcp;

// The server's tools as kernel tools: registration, re-listing, and each call's result mapped to a ToolOutput.
public sealed partial class McpServerConnection
{
    private readonly SemaphoreSlim _syncLock = new(1, 1);
    private readonly Dictionary<string, Tool> _registered = new(StringComparer.Ordinal);
    private readonly List<string> _skipped = [];

    /// <summary>The kernel names of the tools registered for this server.</summary>
    public IReadOnlyList<string> ToolNames
    {
        get
        {
            lock (_registered)
            {
                return [.. _registered.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Tools the server offers that could not be registered, each with why.</summary>
    public IReadOnlyList<string> SkippedTools
    {
        get
        {
            lock (_registered)
            {
                return [.. _skipped];
            }
        }
    }

    // Lists the server's tools and makes the registry match: new ones registered, gone ones removed, changed ones
    // replaced. Serialized, since list_changed may arrive while a listing runs.
    private async Task SyncToolsAsync(McpClient client, CancellationToken cancellationToken)
    {
        await _syncLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            IEnumerable<Tool> tools = client.Server.Capabilities.Tools is null ? [] : await client.ListToolsAsync(cancellationToken).ConfigureAwait(false);
            tools = tools.Concat(ResourceAndPromptTools(client.Server.Capabilities));
            var wanted = new Dictionary<string, Tool>(StringComparer.Ordinal);
            var skipped = new List<string>();
            foreach (var tool in tools)
            {
                string name = $"{Name}.{tool.Name}";
                if (name.Length > 64 || !tool.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.') || tool.InputSchema.ValueKind != JsonValueKind.Object)
                {
                    skipped.Add($"{tool.Name}: its kernel name '{name}' must be at most 64 letters, digits, '_', '-' or '.', and its input schema an object");
                    continue;
                }
                wanted[name] = tool;
            }
            lock (_registered)
            {
                foreach (var (name, old) in _registered.ToList())
                {
                    if (!wanted.TryGetValue(name, out var now) || !SameTool(old, now))
                    {
                        _registry.Unregister(name);
                        _registered.Remove(name);
                    }
                }
                foreach (var (name, tool) in wanted)
                {
                    if (_registered.ContainsKey(name))
                    {
                        continue;
                    }
                    try
                    {
                        _registry.Register(Define(name, tool));
                        _registered[name] = tool;
                    }
                    catch (ArgumentException ex)
                    {
                        skipped.Add($"{tool.Name}: {ex.Message}");
                    }
                }
                _skipped.Clear();
                _skipped.AddRange(skipped);
            }
        }
        finally
        {
            _syncLock.Release();
        }
    }

    private void UnregisterAll()
    {
        lock (_registered)
        {
            foreach (var name in _registered.Keys)
            {
                _registry.Unregister(name);
            }
            _registered.Clear();
        }
    }

    private static bool SameTool(Tool a, Tool b) =>
        a.Description == b.Description
        && a.InputSchema.GetRawText() == b.InputSchema.GetRawText()
        && a.OutputSchema?.GetRawText() == b.OutputSchema?.GetRawText()
        && a.Annotations?.DestructiveHint == b.Annotations?.DestructiveHint
        && a.Annotations?.IdempotentHint == b.Annotations?.IdempotentHint;

    private ToolDefinition Define(string name, Tool tool)
    {
        string remoteName = tool.Name;
        return new ToolDefinition
        {
            Name = name,
            Description = tool.Description ?? tool.Title ?? tool.Annotations?.Title ?? $"{tool.Name} (MCP server {Name})",
            ParametersSchema = tool.InputSchema.Clone(),
            OutputSchema = tool.OutputSchema is { ValueKind: JsonValueKind.Object } output ? output.Clone() : null,
            // Only an explicit hint counts: MCP's default for an unannotated tool is "destructive", which would put
            // every call of most servers behind an approval.
            Irreversible = tool.Annotations?.DestructiveHint == true && tool.Annotations.ReadOnlyHint != true,
            Idempotent = tool.Annotations?.IdempotentHint == true || tool.Annotations?.ReadOnlyHint == true,
            MaxConcurrency = Config.MaxConcurrency,
            ConcurrencyGroup = Group,
            Run = (context, arguments, cancellationToken) => CallAsync(remoteName, arguments, cancellationToken),
        };
    }

    private async ValueTask<ToolOutput> CallAsync(string tool, JsonElement arguments, CancellationToken cancellationToken)
    {
        var client = RequireClient();
        var guard = Guard;
        if (guard?.Admit(this) is { } open)
        {
            throw open;
        }
        JsonElement? args = arguments.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? null : arguments;
        CallToolResult result;
        try
        {
            if (await CallResourceOrPromptAsync(client, tool, arguments, cancellationToken).ConfigureAwait(false) is { } own)
            {
                guard?.Ended(this, null);
                return own;
            }
            result = await client.CallToolAsync(tool, args, cancellationToken).ConfigureAwait(false);
        }
        catch (McpServerUnavailableException ex)
        {
            guard?.Ended(this, $"connection lost: {ex.Message}");
            throw Unavailable();
        }
        catch (McpException ex)
        {
            // A request the server could not parse or route is the caller's fault, not the server's.
            guard?.Ended(this, ex.Code is JsonRpcErrorCodes.InvalidParams or JsonRpcErrorCodes.MethodNotFound or JsonRpcErrorCodes.InvalidRequest ? null : $"error {ex.Code}: {ex.Message}");
            return new ToolOutput($"MCP server '{Name}' refused the call ({ex.Code}): {ex.Message}") { IsError = true };
        }
        catch (TimeoutException ex)
        {
            guard?.Ended(this, $"timeout: {ex.Message}");
            return new ToolOutput(ex.Message) { IsError = true };
        }
        guard?.Ended(this, null);
        return ToOutput(result);
    }

    /// <summary>The circuit breaker's seam (the Reactor), or <see langword="null"/>.</summary>
    internal IMcpCallGuard? Guard { get; set; }

    /// <summary>A half-open probe: a ping the server must answer within <paramref name="timeout"/>.</summary>
    /// <returns>Null when it answered, else why not.</returns>
    internal async Task<string?> PingAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_client is not { } client)
        {
            return $"not running ({_lastError})";
        }
        try
        {
            await client.RequestAsync(McpMethods.Ping, null, cancellationToken).WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is McpException or McpServerUnavailableException or TimeoutException or IOException)
        {
            return $"{ex.GetType().Name}: {ex.Message}";
        }
    }

    /// <summary>An MCP tool result as the kernel's: text blocks joined into the text, images and binary resources as
    /// content, the structured value as is (and as the text when there is no text).</summary>
    internal static ToolOutput ToOutput(CallToolResult result)
    {
        var text = new StringBuilder();
        var content = new List<ToolContent>();
        foreach (var block in result.Content)
        {
            switch (block.Type)
            {
                case ContentTypes.Text:
                    Line(text, block.Text ?? "");
                    break;
                case ContentTypes.Image when block.Data is not null:
                    content.Add(new ToolContent { Type = "image", MimeType = block.MimeType ?? "application/octet-stream", Data = block.Data });
                    break;
                case ContentTypes.Audio when block.Data is not null:
                    content.Add(new ToolContent { Type = "file", Name = "audio", MimeType = block.MimeType ?? "application/octet-stream", Data = block.Data });
                    break;
                case ContentTypes.ResourceLink:
                    Line(text, $"[resource {block.Name ?? block.Uri}: {block.Uri}]");
                    break;
                case ContentTypes.Resource when block.Resource is { } resource:
                    if (resource.Text is not null)
                    {
                        Line(text, resource.Text);
                    }
                    else if (resource.Blob is not null)
                    {
                        content.Add(new ToolContent { Type = "file", Name = resource.Uri, MimeType = resource.MimeType ?? "application/octet-stream", Data = resource.Blob });
                    }
                    break;
            }
        }
        if (text.Length == 0 && result.StructuredContent is { } structured)
        {
            text.Append(structured.GetRawText());
        }
        return new ToolOutput(text.ToString())
        {
            Content = content.Count == 0 ? null : content,
            Structured = result.StructuredContent?.Clone(),
            IsError = result.IsError == true,
        };
    }

    private static void Line(StringBuilder text, string line)
    {
        if (text.Length > 0)
        {
            text.Append('\n');
        }
        text.Append(line);
    }
}
