using System.Text.Json;
using AgentOS.Llm;
using AgentOS.Mcp;
using AgentOS.Mcp.Protocol;
using AgentOS.Serialization;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Hosting.Mcp;

/// <summary>
/// An LLM backend served by connected MCP clients' models (<c>sampling/createMessage</c>): agents name it like any
/// backend, and each generation of an agent is asked of ITS client — a session of the identity the agent runs as (one
/// that acts as the agent, or that the agent's own credential opened), or of the identity
/// <see cref="McpOptions.SamplingAgents"/> names for it; the most recently opened such session that offered sampling.
/// Never another agent's client: one user's model does not serve someone else's agent.
/// </summary>
/// <remarks>Its capabilities follow the sessions: a chat of user and assistant messages with a system prompt, and native
/// tool calls while some client offered <c>sampling.tools</c> (the agent's own client must have, for a query with
/// tools); no streaming, embeddings, continuation or JSON output. Without a client for the agent a generation fails as
/// <c>backend_failed</c>, saying what to connect.</remarks>
internal sealed class McpSamplingBackend(McpOptions? options = null, string name = McpSamplingBackend.DefaultName, int slots = 4) : IAgentAwareLlmBackend
{
    public const string DefaultName = "mcp-sampling";

    private static readonly LlmCapabilities Plain = new() { ChatTemplate = true };
    private static readonly LlmCapabilities WithTools = new() { ChatTemplate = true, ToolCalls = true };
    private readonly McpOptions _options = options ?? new McpOptions();

    /// <summary>The server whose sessions it asks (set once the kernel and the server exist).</summary>
    public McpServer? Server { get; set; }

    public string Name { get; } = name;

    public int Slots { get; } = slots;

    public LlmCapabilities Capabilities => Server?.Sessions.Any(s => s.ClientSamplesTools) == true ? WithTools : Plain;

    /// <summary>Without the asking agent no client can be chosen: the kernel calls the agent-aware overload.</summary>
    public ValueTask<LlmResponse> GenerateAsync(LlmQuery query, CancellationToken cancellationToken = default) =>
        ValueTask.FromException<LlmResponse>(new CapabilityNotSupportedException($"LLM backend '{Name}' answers an agent's generation with that agent's MCP client, so it needs the asking agent; it does not stream or summarize on its own. Use it for ordinary (non-streaming) generations."));

    /// <summary>The identity whose sessions serve <paramref name="agentId"/>.</summary>
    public string IdentityFor(string agentId) => _options.SamplingAgents.TryGetValue(agentId, out var identity) ? identity : agentId;

    /// <summary>The session that serves <paramref name="agentId"/>'s generations now, or null.</summary>
    public McpSession? SessionFor(string agentId)
    {
        string identity = IdentityFor(agentId);
        return Server?.Sessions
            .Where(s => s.ClientSamples && (string.Equals(s.AgentId, identity, StringComparison.Ordinal) || string.Equals(s.Principal.Name, identity, StringComparison.Ordinal)))
            .OrderByDescending(s => s.Opened)
            .FirstOrDefault();
    }

    public async ValueTask<LlmResponse> GenerateAsync(LlmQuery query, string agentId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        string identity = IdentityFor(agentId);
        var session = SessionFor(agentId)
            ?? throw new BackendFailedException($"LLM backend '{Name}' has no MCP client for agent '{agentId}' to sample from: connect a client that offers sampling (capabilities.sampling in initialize) as '{identity}'{(identity == agentId ? $", or map the agent to another identity in the config's mcp.sampling_agents" : "")}; or pick another backend.");
        bool tools = query.Tools is { Count: > 0 };
        if (tools && !session.ClientSamplesTools)
        {
            throw new CapabilityNotSupportedException($"The MCP client serving agent '{agentId}' on '{Name}' did not offer tools in sampling (capabilities.sampling.tools), so its model cannot plan tool calls: connect a client that does, or ask without tools.");
        }
        var request = new CreateMessageRequestParams
        {
            Messages = McpSamplingMessages.From(query.Messages),
            SystemPrompt = string.Join("\n\n", query.Messages.Where(m => m.Role == "system").Select(m => m.Content)) is { Length: > 0 } s ? s : null,
            MaxTokens = query.MaxTokens,
            Temperature = query.Temperature,
            Tools = tools ? [.. query.Tools!.Select(t => new Tool { Name = t.Name, Description = t.Description, InputSchema = t.ParametersSchema })] : null,
        };
        JsonElement answer;
        try
        {
            answer = await session.RequestAsync(session.SessionSink, McpMethods.SamplingCreateMessage, request, AgentOSJsonContext.Default.CreateMessageRequestParams, cancellationToken).ConfigureAwait(false);
        }
        catch (McpException ex)
        {
            throw new BackendFailedException($"The MCP client behind '{Name}' refused to sample for agent '{agentId}': {ex.Message}", ex);
        }
        CreateMessageResult result;
        try
        {
            result = answer.Deserialize(AgentOSJsonContext.Default.CreateMessageResult)
                ?? throw new BackendFailedException($"The MCP client behind '{Name}' answered sampling with null.");
        }
        catch (JsonException ex)
        {
            throw new BackendFailedException($"The MCP client behind '{Name}' answered sampling with something that is not a CreateMessageResult: {ex.Message}", ex);
        }
        string text = string.Concat(result.Content.Where(c => c.Type == ContentTypes.Text).Select(c => c.Text));
        var calls = result.Content.Where(c => c.Type == ContentTypes.ToolUse)
            .Select(c => new ToolCall(c.Name ?? "", c.Input ?? McpServer.EmptyObject) { Id = c.Id })
            .ToList();
        return new LlmResponse
        {
            Content = text,
            ToolCalls = calls,
            Backend = Name,
            FinishReason = calls.Count > 0 ? "tool_calls" : result.StopReason == "maxTokens" ? "length" : "stop",
            PromptTokens = query.Messages.Sum(m => Words(m.Content)),
            CompletionTokens = Words(text),
        };
    }

    // The client reports no token counts: words stand in, as the echo backend counts them.
    private static int Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
}
