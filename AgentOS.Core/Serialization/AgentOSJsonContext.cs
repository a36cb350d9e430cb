using System.Text.Json.Serialization;

namespace AgentOS.Serialization;

/// <summary>
/// The one source-generated JSON context of AgentOS.Core: every wire, config and log type is listed on one of its
/// partial declarations (one file per area, <c>AgentOSJsonContext.&lt;Area&gt;.cs</c>), so serialization needs no
/// reflection and the assembly stays trim- and AOT-compatible.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(string))]
internal sealed partial class AgentOSJsonContext : JsonSerializerContext;
