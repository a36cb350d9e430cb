using System.Text.Json;

namespace AgentOS.Mcp.JsonRpc;

/// <summary>A notification: no id, and never an answer, not even an error.</summary>
public sealed class JsonRpcNotification : JsonRpcMessage
{
    /// <summary>Creates the message.</summary>
    public JsonRpcNotification(string method, JsonElement? parameters)
    {
        Method = method;
        Params = parameters;
    }

    /// <summary>The method name.</summary>
    public string Method { get; }

    /// <summary>The parameters, when given.</summary>
    public JsonElement? Params { get; }
}
