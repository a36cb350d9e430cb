using System.Text.Json;
using AgentOS.Mcp.Protocol;
using AgentOS.Serialization;
using AgentOS.Syscalls.Queries;
using AgentOS.Tools;

namespace AgentOS.Hosting.Mcp;

/// <summary>
/// The fixtures the official MCP conformance suite calls by name (<c>serve --mcp-conformance-fixtures</c>), as the
/// official SDKs' conformance servers register them. The tools are ordinary kernel tools (each call a tool syscall);
/// those that log, report progress or ask the client find their MCP request through <see cref="McpToolCalls"/>.
/// </summary>
internal static class ConformanceFixtures
{
    // A 1x1 red PNG and a minimal WAV, as the suite's reference server sends them.
    public const string Png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
    public const string Wav = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

    private static readonly JsonElement NoArguments = JsonElement.Parse("""{"type":"object","properties":{}}""");

    public static void Register(ToolRegistry tools, McpServer server, TimeProvider time)
    {
        Add(tools, "test_simple_text", "Tests simple text content response", (_, _) => Text("This is a simple text response for testing."));
        Add(tools, "test_image_content", "Tests image content response", (_, _) => Task.FromResult(new ToolOutput("") { Content = [new ToolContent { Type = "image", Data = Png, MimeType = "image/png" }] }));
        Add(tools, "test_audio_content", "Tests audio content response", (_, _) => Task.FromResult(new ToolOutput("") { Content = [new ToolContent { Type = "file", Name = "test://audio", Data = Wav, MimeType = "audio/wav" }] }));
        Add(tools, "test_embedded_resource", "Tests embedded resource content response", (_, _) => Task.FromResult(new ToolOutput("")
        {
            Content = [TextFile("test://embedded-resource", "text/plain", "This is an embedded resource content.")],
        }));
        Add(tools, "test_multiple_content_types", "Tests response with multiple content types (text, image, resource)", (_, _) => Task.FromResult(new ToolOutput("Multiple content types test:")
        {
            Content = [new ToolContent { Type = "image", Data = Png, MimeType = "image/png" }, TextFile("test://mixed-content-resource", "application/json", """{"test":"data","value":123}""")],
        }));
        Add(tools, "test_tool_with_logging", "Tests tool that emits log messages during execution", async (mcp, ct) =>
        {
            await Notify(mcp, "Tool execution started").ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromMilliseconds(50), time, ct).ConfigureAwait(false);
            await Notify(mcp, "Tool processing data").ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromMilliseconds(50), time, ct).ConfigureAwait(false);
            await Notify(mcp, "Tool execution completed").ConfigureAwait(false);
            return new ToolOutput("Tool with logging executed successfully");
        });
        Add(tools, "test_tool_with_progress", "Tests tool that reports progress notifications", async (mcp, ct) =>
        {
            for (int step = 0; step <= 100; step += 50)
            {
                if (step > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(50), time, ct).ConfigureAwait(false);
                }
                if (mcp is not null)
                {
                    await mcp.ReportProgressAsync(step, 100, $"Completed step {step} of 100").ConfigureAwait(false);
                }
            }
            return new ToolOutput(mcp?.ProgressToken?.Text ?? "0");
        });
        Add(tools, "test_error_handling", "Tests error response handling", (_, _) => Task.FromResult(new ToolOutput("This tool intentionally returns an error for testing") { IsError = true }));
        Add(tools, "test_reconnection", "Tests SSE stream disconnection and client reconnection (SEP-1699). Server will close the stream mid-call and send the result after client reconnects.", async (mcp, ct) =>
        {
            if (mcp is not null)
            {
                await mcp.Sink.CloseStreamAsync().ConfigureAwait(false);
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, ct).ConfigureAwait(false);
            return new ToolOutput("Reconnection test completed successfully. If you received this, the client properly reconnected after stream closure.");
        });
        Add(tools, "test_sampling", "Tests server-initiated sampling (LLM completion request)", async (mcp, args, ct) =>
        {
            if (mcp is null || !mcp.Session.ClientSamples)
            {
                return new ToolOutput("Sampling not supported: the client did not offer sampling.") { IsError = true };
            }
            string prompt = args.TryGetProperty("prompt"u8, out var p) ? p.GetString() ?? "" : "";
            var answer = await mcp.RequestAsync(McpMethods.SamplingCreateMessage, new CreateMessageRequestParams
            {
                Messages = [new SamplingMessage { Role = "user", Content = [ContentBlock.FromText(prompt)] }],
                MaxTokens = 100,
            }, AgentOSJsonContext.Default.CreateMessageRequestParams).ConfigureAwait(false);
            string text = answer.TryGetProperty("content"u8, out var content) && content.ValueKind == JsonValueKind.Object && content.TryGetProperty("text"u8, out var t) ? t.GetString() ?? "" : "No response";
            return new ToolOutput($"LLM response: {text}");
        }, """{"type":"object","properties":{"prompt":{"type":"string","description":"The prompt to send to the LLM"}},"required":["prompt"]}""");
        Add(tools, "test_elicitation", "Tests server-initiated elicitation (user input request)", (mcp, args, ct) =>
            Elicit(mcp, args.TryGetProperty("message"u8, out var m) ? m.GetString() ?? "" : "",
                """{"type":"object","properties":{"username":{"type":"string","description":"User's response"},"email":{"type":"string","description":"User's email address"}},"required":["username","email"]}""",
                "User response: "),
            """{"type":"object","properties":{"message":{"type":"string","description":"The message to show the user"}},"required":["message"]}""");
        Add(tools, "test_elicitation_sep1034_defaults", "Tests elicitation with default values per SEP-1034", (mcp, _, ct) =>
            Elicit(mcp, "Please review and update the form fields with defaults",
                """{"type":"object","properties":{"name":{"type":"string","description":"User name","default":"John Doe"},"age":{"type":"integer","description":"User age","default":30},"score":{"type":"number","description":"User score","default":95.5},"status":{"type":"string","description":"User status","enum":["active","inactive","pending"],"default":"active"},"verified":{"type":"boolean","description":"Verification status","default":true}},"required":[]}""",
                "Elicitation completed: "));
        Add(tools, "test_elicitation_sep1330_enums", "Tests elicitation with enum schema improvements per SEP-1330", (mcp, _, ct) =>
            Elicit(mcp, "Please select options from the enum fields",
                """{"type":"object","properties":{"untitledSingle":{"type":"string","description":"Select one option","enum":["option1","option2","option3"]},"titledSingle":{"type":"string","description":"Select one option with titles","oneOf":[{"const":"value1","title":"First Option"},{"const":"value2","title":"Second Option"},{"const":"value3","title":"Third Option"}]},"legacyEnum":{"type":"string","description":"Select one option (legacy)","enum":["opt1","opt2","opt3"],"enumNames":["Option One","Option Two","Option Three"]},"untitledMulti":{"type":"array","description":"Select multiple options","minItems":1,"maxItems":3,"items":{"type":"string","enum":["option1","option2","option3"]}},"titledMulti":{"type":"array","description":"Select multiple options with titles","minItems":1,"maxItems":3,"items":{"anyOf":[{"const":"value1","title":"First Choice"},{"const":"value2","title":"Second Choice"},{"const":"value3","title":"Third Choice"}]}}},"required":[]}""",
                "Elicitation completed: "));
        Add(tools, "json_schema_2020_12_tool", "Tool with JSON Schema 2020-12 features for conformance testing (SEP-1613)",
            (_, args, _) => Task.FromResult(new ToolOutput($"JSON Schema 2020-12 tool called with: {args.GetRawText()}")),
            """{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","$defs":{"address":{"type":"object","properties":{"street":{"type":"string"},"city":{"type":"string"}}}},"properties":{"name":{"type":"string"},"address":{"$ref":"#/$defs/address"}},"additionalProperties":false}""");

        server.Add(new FixtureResources());
        server.Add(new FixturePrompts());
    }

    private static ToolContent TextFile(string uri, string mime, string text) =>
        new() { Type = "file", Name = uri, MimeType = mime, Data = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text)) };

    private static Task<ToolOutput> Text(string text) => Task.FromResult(new ToolOutput(text));

    private static ValueTask Notify(McpRequestContext? mcp, string text) =>
        mcp is null ? ValueTask.CompletedTask : mcp.Sink.SendAsync(McpMessages.Notification(McpMethods.MessageNotification,
            new LoggingMessageParams { Level = "info", Logger = "conformance-test-server", Data = JsonSerializer.SerializeToElement(text, AgentOSJsonContext.Default.String) },
            AgentOSJsonContext.Default.LoggingMessageParams), mcp.CancellationToken);

    private static async Task<ToolOutput> Elicit(McpRequestContext? mcp, string message, string schema, string prefix)
    {
        if (mcp is null || !mcp.Session.ClientElicits)
        {
            return new ToolOutput("Elicitation not supported: the client did not offer elicitation.") { IsError = true };
        }
        var answer = await mcp.RequestAsync(McpMethods.ElicitationCreate, new ElicitRequestParams { Mode = "form", Message = message, RequestedSchema = JsonElement.Parse(schema) },
            AgentOSJsonContext.Default.ElicitRequestParams).ConfigureAwait(false);
        var result = answer.Deserialize(AgentOSJsonContext.Default.ElicitResult);
        string content = result?.Content is { } c ? c.GetRawText() : "{}";
        return new ToolOutput($"{prefix}action={result?.Action}, content={content}");
    }

    private static void Add(ToolRegistry tools, string name, string description, Func<McpRequestContext?, CancellationToken, Task<ToolOutput>> run) =>
        Add(tools, name, description, (mcp, _, ct) => run(mcp, ct));

    private static void Add(ToolRegistry tools, string name, string description, Func<McpRequestContext?, JsonElement, CancellationToken, Task<ToolOutput>> run, string? schema = null) =>
        tools.Register(new ToolDefinition
        {
            Name = name,
            Description = description,
            ParametersSchema = schema is null ? NoArguments : JsonElement.Parse(schema),
            Run = async (context, args, ct) => await run(McpToolCalls.Find(context.CallId), args, ct).ConfigureAwait(false),
        });
}
