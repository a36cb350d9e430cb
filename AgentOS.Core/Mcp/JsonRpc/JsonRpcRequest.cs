using System.Text.Json;

namespace AgentOS.Mcp.JsonRpc;

/// <summary>A request: the peer must answer with a response carrying the same <see cref="Id"/>.</summary>
public sealed class JsonRpcRequest : JsonRpcMessage
{
    /// <summary>Creates the message.</summary>
    public JsonRpcRequest(JsonRpcId id, string method, JsonElement? parameters)
    {
        Id = id;
        Method = method;
        Params = parameters;
    }

    /// <summary>The id, echoed exactly in the answer.</summary>
    public JsonRpcId Id { get; }

    /// <summary>The method name.</summary>
    public string Method { get; }

    /// <summary>The parameters (an object or array), when given.</summary>
    public JsonElement? Params { get; }
}
