using System.Text.Json;

namespace AgentOS.Mcp.JsonRpc;

/// <summary>The <c>error</c> member of a JSON-RPC error response.</summary>
/// <param name="Code">See <see cref="JsonRpcErrorCodes"/>.</param>
/// <param name="Message">A short description.</param>
/// <param name="Data">Anything more, as JSON.</param>
public sealed record JsonRpcError(int Code, string Message, JsonElement? Data = null);
