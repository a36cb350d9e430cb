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
// Computer-use sessions (branch sandbox): the session event, session.list's result, status' sessions.
[JsonSerializable(typeof(AgentOS.Computer.Sessions.SessionEvent))]
// The session network proxy (issue 15): its connection events on the bus.
[JsonSerializable(typeof(AgentOS.Computer.Network.NetworkEvent))]
[JsonSerializable(typeof(IReadOnlyList<AgentOS.Computer.Sessions.SessionStatus>))]
// Reactor (branch reactor): its events on the bus and in event logs
[JsonSerializable(typeof(AgentOS.Reactor.ReactorEvent))]
// Durable agents (branch durable): a durable run's journal records in the kernel's storage.
[JsonSerializable(typeof(AgentOS.Reactor.DurableRunRecord))]
[JsonSerializable(typeof(AgentOS.Reactor.DurableStepRecord))]
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
// The SDK's tool loop (its steps on the event bus)
[JsonSerializable(typeof(AgentOS.Sdk.ToolLoopEvent))]
// The OpenAI endpoint's Responses API and embeddings (Hosting/OpenAi).
[JsonSerializable(typeof(AgentOS.Hosting.OpenAi.ResponsesRequest))]
[JsonSerializable(typeof(AgentOS.Hosting.OpenAi.ResponseObject))]
[JsonSerializable(typeof(AgentOS.Hosting.OpenAi.ResponseStreamEvent))]
[JsonSerializable(typeof(AgentOS.Hosting.OpenAi.EmbeddingsRequest))]
[JsonSerializable(typeof(AgentOS.Hosting.OpenAi.EmbeddingList))]
[JsonSerializable(typeof(float[]))]
// Evolution (the self-improving loop): its changes as kept in storage and published, and its status.
[JsonSerializable(typeof(AgentOS.Evolution.EvolutionChange))]
[JsonSerializable(typeof(AgentOS.Evolution.EvolutionStatus))]
// Evolution's config key and its HTTP pin body (branch evolve).
[JsonSerializable(typeof(AgentOS.Evolution.EvolutionConfig))]
[JsonSerializable(typeof(AgentOS.Hosting.Http.EvolutionPinRequest))]
// LLM backends' wire formats (requests sent, responses and stream events read)
[JsonSerializable(typeof(AgentOS.Llm.Http.OpenAiChatRequest))]
[JsonSerializable(typeof(AgentOS.Llm.Http.OpenAiChatResponse))]
[JsonSerializable(typeof(AgentOS.Llm.Http.OpenAiEmbeddingRequest))]
[JsonSerializable(typeof(AgentOS.Llm.Http.OpenAiEmbeddingResponse))]
[JsonSerializable(typeof(AgentOS.Llm.Http.AnthropicRequest))]
[JsonSerializable(typeof(AgentOS.Llm.Http.AnthropicResponse))]
[JsonSerializable(typeof(AgentOS.Llm.Http.AnthropicEvent))]
// Computer: the document and code tools' structured results, and the code tool's driver messages (branch codedoc).
[JsonSerializable(typeof(AgentOS.Computer.Documents.DocumentListResult))]
[JsonSerializable(typeof(AgentOS.Computer.Documents.DocumentReadResult))]
[JsonSerializable(typeof(AgentOS.Computer.Documents.DocumentWriteResult))]
[JsonSerializable(typeof(AgentOS.Computer.Documents.DocumentEditResult))]
[JsonSerializable(typeof(AgentOS.Computer.Documents.DocumentExtractResult))]
[JsonSerializable(typeof(AgentOS.Computer.Documents.DocumentErrorResult))]
[JsonSerializable(typeof(AgentOS.Computer.Code.CodeRunResult))]
[JsonSerializable(typeof(AgentOS.Computer.Code.CodeDriverRequest))]
[JsonSerializable(typeof(AgentOS.Computer.Code.CodeDriverReply))]
// MCP (Mcp/Protocol): the protocol's wire types, shared by the MCP server (Hosting/Mcp) and client. Their members carry
// explicit camelCase [JsonPropertyName]s, since this context's policy is snake_case; JSON-RPC envelopes are written by
// hand (Mcp/JsonRpc) around these bodies.
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.McpEmpty))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.Implementation))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.Icon))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.ClientCapabilities))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.RootsCapability))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.SamplingCapability))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.ElicitationCapability))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.ServerCapabilities))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.PromptsCapability))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.ResourcesCapability))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.ToolsCapability))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.InitializeRequestParams))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.InitializeResult))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.RequestMeta))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.PaginatedRequestParams))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.Tool))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.ToolAnnotations))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.ListToolsResult))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.CallToolRequestParams))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.CallToolResult))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.ContentBlock))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.Annotations))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.ResourceContents))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.Resource))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.ResourceTemplate))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.ListResourcesResult))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.ListResourceTemplatesResult))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.ResourceRequestParams))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.ReadResourceResult))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.ResourceUpdatedParams))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.Prompt))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.PromptArgument))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.ListPromptsResult))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.GetPromptRequestParams))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.GetPromptResult))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.PromptMessage))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.SetLevelRequestParams))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.LoggingMessageParams))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.CompleteRequestParams))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.CompletionReference))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.CompletionArgument))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.CompletionContext))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.CompleteResult))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.Completion))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.ProgressParams))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.CancelledParams))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.CreateMessageRequestParams))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.SamplingMessage))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.ModelPreferences))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.ModelHint))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.CreateMessageResult))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.ElicitRequestParams))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.ElicitResult))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.Root))]
[JsonSerializable(typeof(AgentOS.Mcp.Protocol.ListRootsResult))]
// (end of MCP block)
// Tools on a running kernel (MCP client branch): the HTTP API's tool list, and tools and MCP servers added over it.
[JsonSerializable(typeof(AgentOS.Hosting.Http.ToolList))]
[JsonSerializable(typeof(AgentOS.Tools.HttpToolConfig))]
[JsonSerializable(typeof(AgentOS.Tools.Mcp.McpServerConfig))]
// mcpfinish: the MCP server's settings (the kernel config's "mcp" section).
[JsonSerializable(typeof(AgentOS.Mcp.McpOptions))]
[JsonSerializable(typeof(IReadOnlyList<AgentOS.Mcp.Protocol.ContentBlock>))]
// Dashboard branch: the operations endpoints (queues with percentiles, agents' activity, LLM backends, undo) and the
// dashboard's login.
[JsonSerializable(typeof(IReadOnlyList<AgentOS.Hosting.Http.QueueView>))]
[JsonSerializable(typeof(AgentOS.Hosting.Http.QueueView))]
[JsonSerializable(typeof(AgentOS.Hosting.Http.QueuePolicyRequest))]
[JsonSerializable(typeof(IReadOnlyList<AgentOS.Hosting.Http.AgentActivity>))]
[JsonSerializable(typeof(AgentOS.Hosting.Http.StopAgentResponse))]
[JsonSerializable(typeof(AgentOS.Hosting.Http.TerminalOutputView))] // dashshot branch: GET /v1/sessions/{id}/terminal
[JsonSerializable(typeof(IReadOnlyList<AgentOS.Hosting.Http.LlmBackendView>))]
[JsonSerializable(typeof(IReadOnlyList<AgentOS.Evolution.EvolutionChange>))]
[JsonSerializable(typeof(AgentOS.Hosting.Http.DashboardLoginRequest))]
[JsonSerializable(typeof(AgentOS.Hosting.Http.DashboardSessionView))]
// (end of dashboard block)
// The browser tool (branch browser): DevTools protocol messages read from Chromium's pipe.
[JsonSerializable(typeof(AgentOS.Computer.Browser.Cdp.CdpMessage))]
internal sealed partial class AgentOSJsonContext : JsonSerializerContext;
