namespace AgentOS.Mcp.JsonRpc;

/// <summary>A failed answer. <see cref="Id"/> is absent (JSON null) only when the request's id could not be read.</summary>
public sealed class JsonRpcErrorResponse : JsonRpcMessage
{
    /// <summary>Creates the message.</summary>
    public JsonRpcErrorResponse(JsonRpcId id, JsonRpcError error)
    {
        Id = id;
        Error = error;
    }

    /// <summary>The request's id.</summary>
    public JsonRpcId Id { get; }

    /// <summary>What went wrong.</summary>
    public JsonRpcError Error { get; }
}
