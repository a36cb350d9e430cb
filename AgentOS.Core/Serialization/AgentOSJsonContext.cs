using System.Text.Json.Serialization;

namespace AgentOS.Serialization;

/// <summary>
/// The one source-generated JSON context of AgentOS.Core: every wire, config and log type is listed on this declaration
/// (one line per type, grouped by area; the generator cannot take the list from several partial declarations, see
/// below), so serialization needs no reflection and the assembly stays trim- and AOT-compatible.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(string))]
// Every area lists its types here, on this one declaration: the generator fails when two partial declarations of a
// context both carry [JsonSerializable] (dotnet/runtime#99669: "hintName ... must be unique"), so the per-area
// partial files planned above cannot hold these attributes.
[JsonSerializable(typeof(AgentOS.Events.SubscriberFault))] // Events
internal sealed partial class AgentOSJsonContext : JsonSerializerContext;
