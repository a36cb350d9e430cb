namespace AgentOS.Mcp.JsonRpc;

/// <summary>The JSON-RPC 2.0 error codes, and the ones MCP adds.</summary>
public static class JsonRpcErrorCodes
{
    /// <summary>The payload is not JSON.</summary>
    public const int ParseError = -32700;

    /// <summary>The JSON is not a valid request object (or an empty batch).</summary>
    public const int InvalidRequest = -32600;

    /// <summary>No such method.</summary>
    public const int MethodNotFound = -32601;

    /// <summary>The method's parameters are missing or wrong.</summary>
    public const int InvalidParams = -32602;

    /// <summary>The server failed while handling a valid request.</summary>
    public const int InternalError = -32603;

    /// <summary>MCP: the resource named by a URI does not exist.</summary>
    public const int ResourceNotFound = -32002;

    /// <summary>MCP: the request needs a URL-mode elicitation first.</summary>
    public const int UrlElicitationRequired = -32042;
}
