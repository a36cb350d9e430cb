using System.Text.Json;

namespace AgentOS.Mcp.JsonRpc;

/// <summary>
/// Parses JSON-RPC 2.0 payloads exactly: <c>"jsonrpc": "2.0"</c> required; a member <c>method</c> makes a request (with
/// <c>id</c>) or a notification (without); <c>result</c> or <c>error</c> with an <c>id</c> makes a response; ids are
/// strings or numbers (null is refused, as MCP requires); <c>params</c>, when present, is an object or an array. An invalid
/// entry becomes an Invalid Request answer carrying its id when the id could be read, so the peer never waits forever.
/// </summary>
public static class JsonRpcReader
{
    /// <summary>Parses one payload (a message or a batch).</summary>
    public static JsonRpcPayload Parse(ReadOnlyMemory<byte> utf8)
    {
        JsonElement root;
        try
        {
            root = JsonElement.Parse(utf8.Span);
        }
        catch (JsonException ex)
        {
            return new JsonRpcPayload(false, [], [Failure(default, JsonRpcErrorCodes.ParseError, $"Parse error: {ex.Message}")]);
        }
        return Parse(root);
    }

    /// <summary>Parses one payload that is already a JSON value.</summary>
    public static JsonRpcPayload Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Array)
        {
            var single = TryRead(root, out var invalid);
            return single is null ? new JsonRpcPayload(false, [], [invalid!]) : new JsonRpcPayload(false, [single], []);
        }
        if (root.GetArrayLength() == 0)
        {
            return new JsonRpcPayload(false, [], [Failure(default, JsonRpcErrorCodes.InvalidRequest, "Invalid Request: an empty batch.")]);
        }
        var messages = new List<JsonRpcMessage>(root.GetArrayLength());
        var errors = new List<JsonRpcErrorResponse>();
        foreach (var entry in root.EnumerateArray())
        {
            if (TryRead(entry, out var invalid) is { } message)
            {
                messages.Add(message);
            }
            else
            {
                errors.Add(invalid!);
            }
        }
        return new JsonRpcPayload(true, messages, errors);
    }

    /// <summary>Reads one message, or explains (as the answer to send) why it is not one.</summary>
    public static JsonRpcMessage? TryRead(JsonElement element, out JsonRpcErrorResponse? invalid)
    {
        invalid = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            invalid = Failure(default, JsonRpcErrorCodes.InvalidRequest, "Invalid Request: a message must be a JSON object.");
            return null;
        }
        JsonRpcId id = default;
        bool hasId = element.TryGetProperty("id"u8, out var idElement);
        if (hasId && idElement.ValueKind is JsonValueKind.String or JsonValueKind.Number)
        {
            id = JsonRpcId.FromElement(idElement);
        }
        if (!element.TryGetProperty("jsonrpc"u8, out var version) || version.ValueKind != JsonValueKind.String || !version.ValueEquals("2.0"u8))
        {
            invalid = Failure(id, JsonRpcErrorCodes.InvalidRequest, "Invalid Request: \"jsonrpc\" must be \"2.0\".");
            return null;
        }
        bool hasMethod = element.TryGetProperty("method"u8, out var methodElement);
        bool isErrorResponse = !hasMethod && element.TryGetProperty("error"u8, out _);
        if (hasId && !id.IsPresent && !isErrorResponse)
        {
            invalid = Failure(default, JsonRpcErrorCodes.InvalidRequest, "Invalid Request: \"id\" must be a string or a number.");
            return null;
        }
        if (hasMethod)
        {
            if (methodElement.ValueKind != JsonValueKind.String)
            {
                invalid = Failure(id, JsonRpcErrorCodes.InvalidRequest, "Invalid Request: \"method\" must be a string.");
                return null;
            }
            JsonElement? parameters = null;
            if (element.TryGetProperty("params"u8, out var paramsElement))
            {
                if (paramsElement.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
                {
                    invalid = Failure(id, JsonRpcErrorCodes.InvalidRequest, "Invalid Request: \"params\" must be an object or an array.");
                    return null;
                }
                parameters = paramsElement;
            }
            string method = methodElement.GetString()!;
            return hasId ? new JsonRpcRequest(id, method, parameters) : new JsonRpcNotification(method, parameters);
        }
        if (hasId && element.TryGetProperty("result"u8, out var result))
        {
            return new JsonRpcResponse(id, result);
        }
        if (element.TryGetProperty("error"u8, out var error) && error.ValueKind == JsonValueKind.Object
            && error.TryGetProperty("code"u8, out var code) && code.TryGetInt32(out int codeValue))
        {
            string message = error.TryGetProperty("message"u8, out var text) && text.ValueKind == JsonValueKind.String ? text.GetString()! : "";
            JsonElement? data = error.TryGetProperty("data"u8, out var dataElement) ? dataElement : null;
            return new JsonRpcErrorResponse(id, new JsonRpcError(codeValue, message, data));
        }
        invalid = Failure(id, JsonRpcErrorCodes.InvalidRequest, "Invalid Request: neither a request, a notification nor a response.");
        return null;
    }

    private static JsonRpcErrorResponse Failure(JsonRpcId id, int code, string message) => new(id, new JsonRpcError(code, message));
}
