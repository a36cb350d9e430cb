using System.Text.Json.Serialization;

namespace AgentOS.Serialization;

/// <summary>
/// The one source-generated JSON context of AgentOS.Core: every wire, config and log type is listed on this declaration
/// (one line per type, grouped by area), so serialization needs no reflection and the assembly stays trim- and
/// AOT-compatible. The list cannot be split over partial declarations: the generator fails when two of them carry
/// [JsonSerializable] (dotnet/runtime#99669, "hintName ... must be unique").
/// </summary>
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
[JsonSerializable(typeof(AgentOS.Access.CredentialFile))]
// Events
[JsonSerializable(typeof(AgentOS.Events.SubscriberFault))]
// Kernel and hosting
[JsonSerializable(typeof(AgentOS.Kernel.KernelConfig))]
[JsonSerializable(typeof(AgentOS.Kernel.KernelStatus))]
[JsonSerializable(typeof(IReadOnlyList<AgentOS.Kernel.AgentStatus>))]
[JsonSerializable(typeof(AgentOS.Syscalls.SyscallRequest))]
[JsonSerializable(typeof(AgentOS.Syscalls.SyscallResponse))]
[JsonSerializable(typeof(AgentOS.Syscalls.SyscallEvent))]
[JsonSerializable(typeof(AgentOS.Kernel.AgentEvent))]
// Reactor (branch reactor): its events on the bus and in event logs
[JsonSerializable(typeof(AgentOS.Reactor.ReactorEvent))]
[JsonSerializable(typeof(AgentOS.Hosting.Http.ErrorBody))]
[JsonSerializable(typeof(AgentOS.Hosting.Http.RunAgentRequest))]
[JsonSerializable(typeof(AgentOS.Hosting.Http.RunAgentResponse))]
[JsonSerializable(typeof(AgentOS.Hosting.Http.StreamDelta))]
[JsonSerializable(typeof(IReadOnlyList<AgentOS.Hosting.Http.ApprovalView>))]
[JsonSerializable(typeof(AgentOS.Hosting.Http.ApprovalDecision))]
[JsonSerializable(typeof(AgentOS.Hosting.OpenAi.ChatCompletionRequest))]
[JsonSerializable(typeof(AgentOS.Hosting.OpenAi.ChatCompletion))]
[JsonSerializable(typeof(AgentOS.Hosting.OpenAi.ModelList))]
[JsonSerializable(typeof(AgentOS.Hosting.OpenAi.OpenAiErrorBody))]
// LLM backends' wire formats (requests sent, responses and stream events read)
[JsonSerializable(typeof(AgentOS.Llm.Http.OpenAiChatRequest))]
[JsonSerializable(typeof(AgentOS.Llm.Http.OpenAiChatResponse))]
[JsonSerializable(typeof(AgentOS.Llm.Http.OpenAiEmbeddingRequest))]
[JsonSerializable(typeof(AgentOS.Llm.Http.OpenAiEmbeddingResponse))]
[JsonSerializable(typeof(AgentOS.Llm.Http.AnthropicRequest))]
[JsonSerializable(typeof(AgentOS.Llm.Http.AnthropicResponse))]
[JsonSerializable(typeof(AgentOS.Llm.Http.AnthropicEvent))]
internal sealed partial class AgentOSJsonContext : JsonSerializerContext;
