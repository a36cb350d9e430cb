using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace AgentOS.Mcp.JsonRpc;

/// <summary>
/// Writes JSON-RPC 2.0 messages straight to a <see cref="Utf8JsonWriter"/>, parameters and results through their
/// source-generated type info (no intermediate document): the envelope by hand, the body by the one JSON context.
/// </summary>
public static class JsonRpcWriter
{
    /// <summary>Writes a request.</summary>
    public static void WriteRequest<T>(Utf8JsonWriter writer, JsonRpcId id, string method, T parameters, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("jsonrpc"u8, "2.0"u8);
        writer.WritePropertyName("id"u8);
        id.WriteTo(writer);
        writer.WriteString("method"u8, method);
        if (parameters is not null)
        {
            writer.WritePropertyName("params"u8);
            JsonSerializer.Serialize(writer, parameters, typeInfo);
        }
        writer.WriteEndObject();
    }

    /// <summary>Writes a notification.</summary>
    public static void WriteNotification<T>(Utf8JsonWriter writer, string method, T parameters, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("jsonrpc"u8, "2.0"u8);
        writer.WriteString("method"u8, method);
        if (parameters is not null)
        {
            writer.WritePropertyName("params"u8);
            JsonSerializer.Serialize(writer, parameters, typeInfo);
        }
        writer.WriteEndObject();
    }

    /// <summary>Writes a successful answer.</summary>
    public static void WriteResult<T>(Utf8JsonWriter writer, JsonRpcId id, T result, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("jsonrpc"u8, "2.0"u8);
        writer.WritePropertyName("id"u8);
        id.WriteTo(writer);
        writer.WritePropertyName("result"u8);
        JsonSerializer.Serialize(writer, result, typeInfo);
        writer.WriteEndObject();
    }

    /// <summary>Writes a failed answer.</summary>
    public static void WriteError(Utf8JsonWriter writer, JsonRpcId id, JsonRpcError error)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(error);
        writer.WriteStartObject();
        writer.WriteString("jsonrpc"u8, "2.0"u8);
        writer.WritePropertyName("id"u8);
        id.WriteTo(writer);
        writer.WriteStartObject("error"u8);
        writer.WriteNumber("code"u8, error.Code);
        writer.WriteString("message"u8, error.Message);
        if (error.Data is { } data)
        {
            writer.WritePropertyName("data"u8);
            data.WriteTo(writer);
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Writes any message as it is.</summary>
    public static void Write(Utf8JsonWriter writer, JsonRpcMessage message)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (message)
        {
            case JsonRpcErrorResponse failure:
                WriteError(writer, failure.Id, failure.Error);
                return;
            case JsonRpcResponse response:
                writer.WriteStartObject();
                writer.WriteString("jsonrpc"u8, "2.0"u8);
                writer.WritePropertyName("id"u8);
                response.Id.WriteTo(writer);
                writer.WritePropertyName("result"u8);
                response.Result.WriteTo(writer);
                writer.WriteEndObject();
                return;
            case JsonRpcRequest request:
                WriteEnvelope(writer, request.Id, request.Method, request.Params);
                return;
            case JsonRpcNotification notification:
                WriteEnvelope(writer, null, notification.Method, notification.Params);
                return;
            default:
                throw new ArgumentException($"Unknown JSON-RPC message type {message?.GetType().Name ?? "null"}.", nameof(message));
        }
    }

    /// <summary>A message as UTF-8 JSON bytes.</summary>
    public static byte[] ToUtf8(JsonRpcMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, message);
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteEnvelope(Utf8JsonWriter writer, JsonRpcId? id, string method, JsonElement? parameters)
    {
        writer.WriteStartObject();
        writer.WriteString("jsonrpc"u8, "2.0"u8);
        if (id is { } present)
        {
            writer.WritePropertyName("id"u8);
            present.WriteTo(writer);
        }
        writer.WriteString("method"u8, method);
        if (parameters is { } value)
        {
            writer.WritePropertyName("params"u8);
            value.WriteTo(writer);
        }
        writer.WriteEndObject();
    }
}
