using System.Text.Json;

namespace AgentOS.Mcp.JsonRpc;

/// <summary>A successful answer.</summary>
public sealed class JsonRpcResponse : JsonRpcMessage
{
    /// <summary>Creates the message.</summary>
    public JsonRpcResponse(JsonRpcId id, JsonElement result)
    {
        Id = id;
        Result = result;
    }

    /// <summary>The request's id.</summary>
    public JsonRpcId Id { get; }

    /// <summary>The result.</summary>
    public JsonElement Result { get; }
}
