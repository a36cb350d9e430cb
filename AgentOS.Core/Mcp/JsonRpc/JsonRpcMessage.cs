namespace AgentOS.Mcp.JsonRpc;

/// <summary>
/// One JSON-RPC 2.0 message. The hierarchy is closed (a private-protected constructor): a message is a
/// <see cref="JsonRpcRequest"/>, <see cref="JsonRpcNotification"/>, <see cref="JsonRpcResponse"/> or
/// <see cref="JsonRpcErrorResponse"/>. <see cref="JsonRpcReader"/> parses them and <see cref="JsonRpcWriter"/> writes them.
/// </summary>
public abstract class JsonRpcMessage
{
    private protected JsonRpcMessage()
    {
    }
}
