using System.Buffers;
using System.Text;
using System.Text.Json;
using AgentOS.Mcp;
using AgentOS.Mcp.JsonRpc;
using AgentOS.Mcp.Protocol;
using AgentOS.Serialization;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Mcp;

/// <summary>JSON-RPC 2.0 exactly: ids kept as written, every kind of invalid entry answered, batches.</summary>
public sealed class JsonRpcTests
{
    private static JsonRpcPayload Parse(string json) => JsonRpcReader.Parse(Encoding.UTF8.GetBytes(json));

    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Test]
    public void IdsAreEchoedExactlyAsWritten()
    {
        foreach (string id in new[] { "7", "1.0", "-3", "12345678901234567890123", "1e3", "\"abc\"", "\"7\"" })
        {
            var request = (JsonRpcRequest)Parse($$"""{"jsonrpc":"2.0","id":{{id}},"method":"ping"}""").Messages.Single();
            string answer = Write(w => JsonRpcWriter.WriteResult(w, request.Id, new McpEmpty(), AgentOSJsonContext.Default.McpEmpty));
            Assert.Equal("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{}}", answer);
        }
        Assert.NotEqual(JsonRpcId.FromNumber(7), JsonRpcId.FromString("7"));
        Assert.Equal(JsonRpcId.FromNumber(7), JsonRpcId.FromNumberText("7"));
        Assert.Throws<FormatException>(() => JsonRpcId.FromNumberText("seven"));
    }

    [Test]
    public void RequestsNotificationsAndResponsesAreTold()
    {
        Assert.True(Parse("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}""").Messages.Single() is JsonRpcRequest { Method: "tools/list" });
        Assert.True(Parse("""{"jsonrpc":"2.0","method":"notifications/initialized"}""").Messages.Single() is JsonRpcNotification);
        Assert.True(Parse("""{"jsonrpc":"2.0","id":"a","result":{"x":1}}""").Messages.Single() is JsonRpcResponse);
        var error = (JsonRpcErrorResponse)Parse("""{"jsonrpc":"2.0","id":2,"error":{"code":-32601,"message":"no"}}""").Messages.Single();
        Assert.Equal(-32601, error.Error.Code);
    }

    [Test]
    public void InvalidEntriesAreAnsweredWithTheirIdWhenItCanBeRead()
    {
        var parse = Parse("{not json");
        Assert.Equal(JsonRpcErrorCodes.ParseError, parse.Errors.Single().Error.Code);
        Assert.False(parse.Errors.Single().Id.IsPresent);

        foreach (string bad in new[]
        {
            """{"id":5,"method":"ping"}""",                       // no jsonrpc
            """{"jsonrpc":"1.0","id":5,"method":"ping"}""",       // wrong version
            """{"jsonrpc":"2.0","id":5,"method":7}""",            // method not a string
            """{"jsonrpc":"2.0","id":5,"method":"x","params":3}""", // params not structured
            """{"jsonrpc":"2.0","id":5}""",                        // nothing
        })
        {
            var invalid = Parse(bad).Errors.Single();
            Assert.Equal(JsonRpcErrorCodes.InvalidRequest, invalid.Error.Code, bad);
            Assert.Equal(JsonRpcId.FromNumber(5), invalid.Id, bad);
        }
        Assert.Equal(JsonRpcErrorCodes.InvalidRequest, Parse("""{"jsonrpc":"2.0","id":null,"method":"ping"}""").Errors.Single().Error.Code);
        Assert.Equal(JsonRpcErrorCodes.InvalidRequest, Parse("42").Errors.Single().Error.Code);
    }

    [Test]
    public void ABatchKeepsItsValidMessagesAndAnswersEachInvalidEntry()
    {
        var batch = Parse("""[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"n"},1,{"jsonrpc":"2.0","id":"x"}]""");
        Assert.True(batch.IsBatch);
        Assert.Equal(2, batch.Messages.Count);
        Assert.True(batch.HasRequests);
        Assert.Equal(2, batch.Errors.Count);
        Assert.Equal(JsonRpcId.FromString("x"), batch.Errors[1].Id);

        var empty = Parse("[]");
        Assert.False(empty.IsBatch);
        Assert.Equal(JsonRpcErrorCodes.InvalidRequest, empty.Errors.Single().Error.Code);

        Assert.False(Parse("""[{"jsonrpc":"2.0","method":"a"},{"jsonrpc":"2.0","method":"b"}]""").HasRequests);
        Assert.True(McpProtocolVersions.AllowsBatches("2025-03-26"));
        Assert.False(McpProtocolVersions.AllowsBatches("2025-06-18"));
    }

    [Test]
    public void ProtocolTypesUseCamelCaseAndRequiredMembersAreEnforced()
    {
        var result = new CallToolResult
        {
            Content = [ContentBlock.FromText("hi"), ContentBlock.FromImage("AAEC", "image/png"), ContentBlock.FromResource(new ResourceContents { Uri = "test://x", MimeType = "text/plain", Text = "t" })],
            IsError = false,
        };
        string json = JsonSerializer.Serialize(result, AgentOSJsonContext.Default.CallToolResult);
        Assert.Equal("""{"content":[{"type":"text","text":"hi"},{"type":"image","data":"AAEC","mimeType":"image/png"},{"type":"resource","resource":{"uri":"test://x","mimeType":"text/plain","text":"t"}}],"isError":false}""", json);

        using var doc = JsonDocument.Parse("""{"protocolVersion":"2025-06-18","capabilities":{"elicitation":{},"sampling":{}},"clientInfo":{"name":"c","version":"1"}}""");
        var init = McpJson.RequireParams<InitializeRequestParams>(doc.RootElement, AgentOSJsonContext.Default.InitializeRequestParams, "initialize");
        Assert.NotNull(init.Capabilities.Elicitation);
        Assert.Equal("2025-06-18", McpProtocolVersions.Negotiate(init.ProtocolVersion));
        Assert.Equal("2025-11-25", McpProtocolVersions.Negotiate("1999-01-01"));

        using var missing = JsonDocument.Parse("""{"capabilities":{},"clientInfo":{"name":"c","version":"1"}}""");
        var ex = Assert.Throws<McpException>(() => McpJson.RequireParams<InitializeRequestParams>(missing.RootElement, AgentOSJsonContext.Default.InitializeRequestParams, "initialize"));
        Assert.Equal(JsonRpcErrorCodes.InvalidParams, ex.Code);

        using var progress = JsonDocument.Parse("""{"name":"t","_meta":{"progressToken":"tok-1"}}""");
        var call = McpJson.RequireParams<CallToolRequestParams>(progress.RootElement, AgentOSJsonContext.Default.CallToolRequestParams, "tools/call");
        Assert.Equal(JsonRpcId.FromString("tok-1"), call.Meta!.ProgressToken!.Value);
        Assert.Equal("""{"progressToken":"tok-1","progress":1,"total":2}""",
            JsonSerializer.Serialize(new ProgressParams { ProgressToken = call.Meta.ProgressToken.Value, Progress = 1, Total = 2 }, AgentOSJsonContext.Default.ProgressParams));
    }
}
