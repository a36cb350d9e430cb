using System.Text.Json;
using AgentOS.Mcp.JsonRpc;

namespace AgentOS.Mcp;

/// <summary>
/// An MCP request failed with a JSON-RPC error: thrown by a handler to answer with <see cref="Code"/>, and by a client
/// when the peer answered with an error.
/// </summary>
public sealed class McpException : Exception
{
    /// <summary>An error with a JSON-RPC code (see <see cref="JsonRpcErrorCodes"/>).</summary>
    public McpException(int code, string message, JsonElement? data = null)
        : base(message)
    {
        Code = code;
        ErrorData = data;
    }

    /// <summary>An empty error (prefer the coded constructor).</summary>
    public McpException()
        : this(JsonRpcErrorCodes.InternalError, "MCP request failed.")
    {
    }

    /// <summary>An internal error with a message.</summary>
    public McpException(string message)
        : this(JsonRpcErrorCodes.InternalError, message)
    {
    }

    /// <summary>An internal error with a message and its cause.</summary>
    public McpException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = JsonRpcErrorCodes.InternalError;
    }

    /// <summary>The JSON-RPC error code.</summary>
    public int Code { get; }

    /// <summary>The error's <c>data</c>, when it has one.</summary>
    public JsonElement? ErrorData { get; }

    /// <summary>The error as it goes on the wire.</summary>
    public JsonRpcError ToError() => new(Code, Message, ErrorData);

    /// <summary>Invalid params, saying what to fix.</summary>
    public static McpException InvalidParams(string message) => new(JsonRpcErrorCodes.InvalidParams, message);
}
