using System.Text;
using System.Text.Json;
using AgentOS.Mcp;
using AgentOS.Mcp.Protocol;
using AgentOS.Tools.Mcp;

namespace AgentOS.Hosting;

/// <summary>
/// <c>mcp-client [--call-all] URL</c>: connects to a Streamable HTTP MCP server with the kernel's MCP client, prints
/// what it offers, and with <c>--call-all</c> calls each tool once with example arguments made from its schema (the
/// driver of the MCP conformance suite's client mode). Elicitations are accepted with the defaults their schema gives.
/// </summary>
internal static class McpClientCommand
{
    public const string Usage = "mcp-client [--call-all] [--timeout SECONDS] URL";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        bool callAll = false;
        double timeout = 30;
        string? url = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--call-all":
                    callAll = true;
                    break;
                case "--timeout" when i + 1 < args.Length && double.TryParse(args[i + 1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out timeout) && timeout > 0:
                    i++;
                    break;
                case var value when url is null && Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https":
                    url = value;
                    break;
                default:
                    stderr.WriteLine($"agentos mcp-client: unexpected argument '{args[i]}'.");
                    stderr.WriteLine("usage: dotnet AgentOS.Core.dll " + Usage);
                    return CommandLine.UsageError;
            }
        }
        if (url is null)
        {
            stderr.WriteLine("agentos mcp-client: give the server's http(s) URL.");
            stderr.WriteLine("usage: dotnet AgentOS.Core.dll " + Usage);
            return CommandLine.UsageError;
        }
        try
        {
            return RunAsync(new Uri(url), callAll, TimeSpan.FromSeconds(timeout), stdout).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is McpServerUnavailableException or McpException or TimeoutException)
        {
            stderr.WriteLine($"agentos mcp-client: {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> RunAsync(Uri url, bool callAll, TimeSpan timeout, TextWriter stdout)
    {
        var options = new McpClientOptions { RequestTimeout = timeout, Elicitation = AcceptWithDefaults };
        await using var client = await McpClient.ConnectAsync(new HttpMcpTransport(url), options).ConfigureAwait(false);
        stdout.WriteLine($"server: {client.Server.ServerInfo.Name} {client.Server.ServerInfo.Version} (protocol {client.Server.ProtocolVersion})");
        var tools = client.Server.Capabilities.Tools is null ? [] : await client.ListToolsAsync().ConfigureAwait(false);
        foreach (var tool in tools)
        {
            stdout.WriteLine($"tool: {tool.Name}: {tool.Description}");
        }
        int failures = 0;
        if (callAll)
        {
            foreach (var tool in tools)
            {
                var result = await client.CallToolAsync(tool.Name, ExampleArguments(tool.InputSchema)).ConfigureAwait(false);
                var output = McpServerConnection.ToOutput(result);
                stdout.WriteLine($"call {tool.Name}: {(output.IsError ? "error: " : "")}{output.Text}");
                failures += output.IsError ? 1 : 0;
            }
        }
        return failures == 0 ? 0 : 1;
    }

    // SEP-1034: an accepted form carries each field's default when the user leaves it out; here every field is left out.
    private static ValueTask<ElicitResult> AcceptWithDefaults(ElicitRequestParams request, CancellationToken cancellationToken)
    {
        var content = new StringBuilder("{");
        if (request.RequestedSchema is { ValueKind: JsonValueKind.Object } schema && schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in properties.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Object && property.Value.TryGetProperty("default", out var value))
                {
                    Append(content, property.Name, value.GetRawText());
                }
            }
        }
        using var document = JsonDocument.Parse(content.Append('}').ToString());
        return ValueTask.FromResult(new ElicitResult { Action = ElicitActions.Accept, Content = document.RootElement.Clone() });
    }

    // A value for each required property, of its type: the first enum member or default when given.
    internal static JsonElement ExampleArguments(JsonElement schema)
    {
        var json = new StringBuilder("{");
        if (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            var required = schema.TryGetProperty("required", out var names) && names.ValueKind == JsonValueKind.Array
                ? names.EnumerateArray().Where(n => n.ValueKind == JsonValueKind.String).Select(n => n.GetString()!).ToHashSet(StringComparer.Ordinal)
                : [];
            foreach (var property in properties.EnumerateObject().Where(p => required.Contains(p.Name)))
            {
                Append(json, property.Name, ExampleValue(property.Value));
            }
        }
        using var document = JsonDocument.Parse(json.Append('}').ToString());
        return document.RootElement.Clone();
    }

    private static string ExampleValue(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return "null";
        }
        if (schema.TryGetProperty("default", out var value) || (schema.TryGetProperty("enum", out var members) && members.ValueKind == JsonValueKind.Array && members.GetArrayLength() > 0 && (value = members[0]).ValueKind != JsonValueKind.Undefined))
        {
            return value.GetRawText();
        }
        string type = schema.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "string";
        return type switch
        {
            "number" or "integer" => "1",
            "boolean" => "true",
            "object" => ExampleArguments(schema).GetRawText(),
            "array" => "[]",
            "null" => "null",
            _ => "\"test\"",
        };
    }

    private static void Append(StringBuilder json, string name, string rawValue)
    {
        if (json.Length > 1)
        {
            json.Append(',');
        }
        json.Append(JsonSerializer.Serialize(name, Serialization.AgentOSJsonContext.Default.String)).Append(':').Append(rawValue);
    }
}
