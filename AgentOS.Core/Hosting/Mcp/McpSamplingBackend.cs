using System.Text.Json;
using AgentOS.Llm;
using AgentOS.Mcp;
using AgentOS.Mcp.Protocol;
using AgentOS.Serialization;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Hosting.Mcp;

/// <summary>
/// An LLM backend served by a connected MCP client's model (<c>sampling/createMessage</c>): agents name it like any
/// backend, and each generation becomes a sampling request to the most recently opened session whose client offered
/// sampling. Its capabilities are what sampling offers: a chat of user and
/// assistant messages with a system prompt, no streaming, no embeddings, no continuation; tool calls and JSON output
/// are not relayed. Without such a client a generation fails as <c>backend_failed</c>, saying what to connect.
/// </summary>
internal sealed class McpSamplingBackend(string name = McpSamplingBackend.DefaultName, int slots = 4) : ILlmBackend
{
    public const string DefaultName = "mcp-sampling";

    /// <summary>The server whose sessions it asks (set once the kernel and the server exist).</summary>
    public McpServer? Server { get; set; }

    public string Name { get; } = name;

    public int Slots { get; } = slots;

    public LlmCapabilities Capabilities { get; } = new() { ChatTemplate = true };

    public async ValueTask<LlmResponse> GenerateAsync(LlmQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var session = Server?.Sessions.Where(s => s.ClientSamples).OrderByDescending(s => s.Opened).FirstOrDefault()
            ?? throw new BackendFailedException($"LLM backend '{Name}' has no MCP client to sample from: connect a client that offers sampling (capabilities.sampling in initialize), or pick another backend.");
        string? system = string.Join("\n\n", query.Messages.Where(m => m.Role == "system").Select(m => m.Content)) is { Length: > 0 } s ? s : null;
        var request = new CreateMessageRequestParams
        {
            Messages = [.. query.Messages.Where(m => m.Role is "user" or "assistant").Select(m => new SamplingMessage { Role = m.Role, Content = ContentBlock.FromText(m.Content) })],
            SystemPrompt = system,
            MaxTokens = query.MaxTokens,
            Temperature = query.Temperature,
        };
        JsonElement answer;
        try
        {
            answer = await session.RequestAsync(session.SessionSink, McpMethods.SamplingCreateMessage, request, AgentOSJsonContext.Default.CreateMessageRequestParams, cancellationToken).ConfigureAwait(false);
        }
        catch (McpException ex)
        {
            throw new BackendFailedException($"The MCP client behind '{Name}' refused to sample: {ex.Message}", ex);
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
        string text = result.Content.Text ?? "";
        return new LlmResponse
        {
            Content = text,
            Backend = Name,
            FinishReason = result.StopReason == "maxTokens" ? "length" : "stop",
            PromptTokens = query.Messages.Sum(m => Words(m.Content)),
            CompletionTokens = Words(text),
        };
    }

    // The client reports no token counts: words stand in, as the echo backend counts them.
    private static int Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
}
