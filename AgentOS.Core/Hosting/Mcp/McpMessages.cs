using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AgentOS.Mcp.JsonRpc;

namespace AgentOS.Hosting.Mcp;

/// <summary>JSON-RPC messages as UTF-8 bytes, ready for a sink.</summary>
internal static class McpMessages
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public static byte[] Result<T>(JsonRpcId id, T result, JsonTypeInfo<T> typeInfo) => Write(w => JsonRpcWriter.WriteResult(w, id, result, typeInfo));

    public static byte[] Error(JsonRpcId id, JsonRpcError error) => Write(w => JsonRpcWriter.WriteError(w, id, error));

    public static byte[] Notification<T>(string method, T parameters, JsonTypeInfo<T> typeInfo) => Write(w => JsonRpcWriter.WriteNotification(w, method, parameters, typeInfo));

    public static byte[] Request<T>(JsonRpcId id, string method, T parameters, JsonTypeInfo<T> typeInfo) => Write(w => JsonRpcWriter.WriteRequest(w, id, method, parameters, typeInfo));

    /// <summary>A batch's answers as one JSON array.</summary>
    public static byte[] Array(IReadOnlyList<byte[]> messages)
    {
        int length = 2 + Math.Max(0, messages.Count - 1);
        foreach (var message in messages)
        {
            length += message.Length;
        }
        var bytes = new byte[length];
        int at = 0;
        bytes[at++] = (byte)'[';
        for (int i = 0; i < messages.Count; i++)
        {
            if (i > 0)
            {
                bytes[at++] = (byte)',';
            }
            messages[i].CopyTo(bytes, at);
            at += messages[i].Length;
        }
        bytes[at] = (byte)']';
        return bytes;
    }

    // One writer and buffer per thread: a message is written and copied out before anything else can use them.
    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        write(writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
