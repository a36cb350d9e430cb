using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AgentOS.Mcp.JsonRpc;
using AgentOS.Serialization;

namespace AgentOS.Mcp;

/// <summary>
/// Protocol values to and from JSON through the one source-generated context. Reading a request's parameters turns
/// any shape error into Invalid Params (-32602) naming what was wrong, so a handler never sees a half-read value.
/// </summary>
public static class McpJson
{
    /// <summary>Reads parameters of type <typeparamref name="T"/>; absent parameters read as <see langword="null"/>.</summary>
    /// <exception cref="McpException">Invalid Params: the parameters do not have the shape of <typeparamref name="T"/>.</exception>
    public static T? ReadParams<T>(JsonElement? parameters, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        if (parameters is not { } element)
        {
            return null;
        }
        try
        {
            return element.Deserialize(typeInfo);
        }
        catch (JsonException ex)
        {
            throw new McpException(JsonRpcErrorCodes.InvalidParams, $"Invalid params: {ex.Message}");
        }
    }

    /// <summary>Reads required parameters of type <typeparamref name="T"/>.</summary>
    /// <exception cref="McpException">Invalid Params: the parameters are absent or do not have the shape of <typeparamref name="T"/>.</exception>
    public static T RequireParams<T>(JsonElement? parameters, JsonTypeInfo<T> typeInfo, string method)
        where T : class =>
        ReadParams(parameters, typeInfo) ?? throw new McpException(JsonRpcErrorCodes.InvalidParams, $"Invalid params: {method} needs params.");

    /// <summary>A value as a JSON element.</summary>
    public static JsonElement ToElement<T>(T value, JsonTypeInfo<T> typeInfo) => JsonSerializer.SerializeToElement(value, typeInfo);

    /// <summary>The one context, whose type infos read and write every protocol type.</summary>
    internal static AgentOSJsonContext Context => AgentOSJsonContext.Default;
}
