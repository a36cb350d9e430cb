using System.Text.Json;
using System.Text.Json.Serialization;
using AgentOS.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>Sampling's content: one block as an object, several as an array (2025-11-25 allows both; older peers
/// send and expect only the object, so one block is written as one).</summary>
public sealed class ContentBlocksConverter : JsonConverter<IReadOnlyList<ContentBlock>>
{
    /// <inheritdoc/>
    public override IReadOnlyList<ContentBlock> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.StartArray
            ? JsonSerializer.Deserialize(ref reader, AgentOSJsonContext.Default.IReadOnlyListContentBlock) ?? []
            : [JsonSerializer.Deserialize(ref reader, AgentOSJsonContext.Default.ContentBlock) ?? throw new JsonException("content is null: give a content block.")];

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, IReadOnlyList<ContentBlock> value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        if (value.Count == 1)
        {
            JsonSerializer.Serialize(writer, value[0], AgentOSJsonContext.Default.ContentBlock);
        }
        else
        {
            JsonSerializer.Serialize(writer, value, AgentOSJsonContext.Default.IReadOnlyListContentBlock);
        }
    }
}
