using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentOS.Mcp.JsonRpc;

/// <summary>Reads and writes a <see cref="JsonRpcId"/> exactly (used where protocol types carry an id or a progress token).</summary>
internal sealed class JsonRpcIdConverter : JsonConverter<JsonRpcId>
{
    public override bool HandleNull => true;

    public override JsonRpcId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => JsonRpcId.Read(ref reader);

    public override void Write(Utf8JsonWriter writer, JsonRpcId value, JsonSerializerOptions options) => value.WriteTo(writer);
}
