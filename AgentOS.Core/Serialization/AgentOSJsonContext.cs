using System.Text.Json.Serialization;

namespace AgentOS.Serialization;

/// <summary>
/// The one source-generated JSON context of AgentOS.Core: every wire, config and log type is listed here, so
/// serialization needs no reflection and the assembly stays trim- and AOT-compatible.
/// </summary>
/// <remarks>
/// All <c>[JsonSerializable]</c> attributes must sit on this one declaration, grouped by area. The System.Text.Json
/// generator (SDK 10.0.401) runs once per partial declaration that carries the attribute, and each run emits every
/// type, so a second such declaration fails the build with CS8785 "hintName ... must be unique"
/// (dotnet/runtime#99669, open). Other partial files may add members, not attributes.
/// </remarks>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(string))]
// Access: the policy file (groups, agents, window, approval timeout) and the audit log's JSON lines.
[JsonSerializable(typeof(AgentOS.Access.AccessPolicy))]
[JsonSerializable(typeof(AgentOS.Access.AuditRecord))]
internal sealed partial class AgentOSJsonContext : JsonSerializerContext;
