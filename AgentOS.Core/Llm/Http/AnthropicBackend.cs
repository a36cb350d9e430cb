using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using AgentOS.Serialization;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Llm.Http;

/// <summary>
/// Anthropic's Messages API as a kernel LLM backend: the system prompt split out of the conversation, tool use (tool
/// calls and results as content blocks), streaming events, and assistant prefill — a conversation that ends with an
/// assistant message is continued from it, which is how a preempted generation resumes. JSON output is a prefill of
/// <c>{</c> (the API has no JSON mode), so the answer starts with the brace.
/// </summary>
/// <remarks>Failures are typed as for <see cref="OpenAiBackend"/>; an <c>error</c> event in a stream
/// (<c>overloaded_error</c>, <c>rate_limit_error</c>...) fails the call with the matching error. It never retries.</remarks>
public sealed class AnthropicBackend : ILlmBackend, IDisposable
{
    private readonly AnthropicBackendOptions _options;
    private readonly HttpLlmTransport _http;

    /// <summary>Creates the backend (no request is made until the first call).</summary>
    /// <exception cref="ArgumentException">No model, or a base URL that is not http(s).</exception>
    public AnthropicBackend(AnthropicBackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Slots, 1);
        if (options.Models.Count == 0)
        {
            throw new ArgumentException($"The Anthropic backend '{options.Name}' needs at least one model name (the first is the default).", nameof(options));
        }
        _options = options;
        var key = options.ApiKey ?? Environment.GetEnvironmentVariable(options.ApiKeyEnvironmentVariable);
        var baseUri = HttpBackendSupport.BaseUri(options.BaseUrl, "ANTHROPIC_BASE_URL", "https://api.anthropic.com", options.Name);
        _http = new HttpLlmTransport(options.Name, baseUri, options.Timeout, options.TimeProvider, headers =>
        {
            if (!string.IsNullOrEmpty(key))
            {
                headers.Add("x-api-key", key);
            }
            headers.Add("anthropic-version", options.ApiVersion);
        });
        Capabilities = new()
        {
            ChatTemplate = true,
            ToolCalls = true,
            JsonOutput = true,
            Continuation = true,
            Streaming = true,
            MaxContextTokens = options.MaxContextTokens,
        };
    }

    /// <inheritdoc />
    public string Name => _options.Name;

    /// <inheritdoc />
    public int Slots => _options.Slots;

    /// <inheritdoc />
    public LlmCapabilities Capabilities { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Models => _options.Models;

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    /// <inheritdoc />
    public async ValueTask<LlmResponse> GenerateAsync(LlmQuery query, CancellationToken cancellationToken = default)
    {
        var (body, lead) = Request(query, stream: false);
        var bytes = await _http.PostAsync("v1/messages", body, cancellationToken).ConfigureAwait(false);
        var message = _http.Parse(bytes, AgentOSJsonContext.Default.AnthropicResponse);
        if (message.Content is null)
        {
            throw _http.Malformed(null, "a message without content");
        }
        var text = new StringBuilder(lead);
        var calls = new List<ToolCall>();
        foreach (var block in message.Content)
        {
            if (block.Type == "text")
            {
                text.Append(block.Text);
            }
            else if (block.Type == "tool_use")
            {
                calls.Add(Call(block.Id, block.Name, block.Input?.GetRawText()));
            }
        }
        return Response(text.ToString(), calls, message.Usage?.InputTokens, message.Usage?.OutputTokens, message.StopReason);
    }

    /// <summary>Streams the answer's text as its events arrive; tool_use input is gathered from its
    /// <c>input_json_delta</c> pieces. A stream that ends before <c>message_stop</c> fails with
    /// <see cref="BackendFailedException"/>.</summary>
    public async IAsyncEnumerable<LlmStreamItem> StreamAsync(LlmQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (body, lead) = Request(query, stream: true);
        var text = new StringBuilder(lead);
        var tools = new SortedDictionary<int, (string? Id, string? Name, StringBuilder Input)>();
        int? input = null, output = null;
        string? stop = null;
        bool stopped = false;
        if (lead.Length > 0)
        {
            yield return new LlmStreamItem(lead);
        }
        await foreach (var (_, data) in _http.StreamAsync("v1/messages", body, cancellationToken).ConfigureAwait(false))
        {
            var e = _http.Parse(data, AgentOSJsonContext.Default.AnthropicEvent);
            switch (e.Type)
            {
                case "message_start":
                    input = e.Message?.Usage?.InputTokens ?? input;
                    output = e.Message?.Usage?.OutputTokens ?? output;
                    break;
                case "content_block_start" when e.ContentBlock is { Type: "tool_use" } block:
                    tools[e.Index] = (block.Id, block.Name, new StringBuilder());
                    break;
                case "content_block_delta" when e.Delta is { Type: "text_delta", Text: { Length: > 0 } piece }:
                    text.Append(piece);
                    yield return new LlmStreamItem(piece);
                    break;
                case "content_block_delta" when e.Delta is { Type: "input_json_delta" } json && tools.TryGetValue(e.Index, out var tool):
                    tool.Input.Append(json.PartialJson);
                    break;
                case "message_delta":
                    stop = e.Delta?.StopReason ?? stop;
                    output = e.Usage?.OutputTokens ?? output; // cumulative
                    input = e.Usage?.InputTokens ?? input;
                    break;
                case "message_stop":
                    stopped = true;
                    break;
                case "error":
                    throw StreamError(e.Error);
            }
            if (stopped)
            {
                break;
            }
        }
        if (!stopped)
        {
            throw _http.Truncated("message_stop");
        }
        var calls = tools.Values.Select(t => Call(t.Id, t.Name, t.Input.ToString())).ToList();
        yield return new LlmStreamItem(null, Response(text.ToString(), calls, input, output, stop));
    }

    private LlmResponse Response(string text, List<ToolCall> calls, int? input, int? output, string? stop) => new()
    {
        Content = text,
        ToolCalls = calls,
        PromptTokens = input ?? 0,
        CompletionTokens = output ?? 0,
        FinishReason = stop switch
        {
            "max_tokens" => "length",
            "tool_use" => "tool_calls",
            null or "end_turn" or "stop_sequence" => calls.Count > 0 ? "tool_calls" : "stop",
            var other => other,
        },
        Backend = Name,
    };

    private SyscallException StreamError(AnthropicError? error)
    {
        string detail = $"The LLM backend '{Name}' reported {error?.Type ?? "an error"} in the middle of its stream: {error?.Message ?? "(no message)"}";
        return error?.Type == "rate_limit_error"
            ? new RateLimitedException(detail + ". Wait before sending it more requests.")
            : new BackendFailedException(detail + ". Retry the call, or use another backend.");
    }

    // The request body, and the text the answer starts with that the model will not repeat (the JSON prefill's brace).
    private (byte[] Body, string Lead) Request(LlmQuery query, bool stream)
    {
        HttpBackendSupport.Require(query, Name, Capabilities);
        var system = new StringBuilder();
        var messages = new List<AnthropicMessage>();
        foreach (var message in query.Messages)
        {
            if (message.Role == "system")
            {
                system.Append(system.Length > 0 ? "\n\n" : "").Append(message.Content);
                continue;
            }
            var (role, blocks) = Blocks(message);
            // The API wants turns to alternate: consecutive messages of one role (tool results after several calls)
            // become one turn.
            if (messages.Count > 0 && messages[^1].Role == role)
            {
                messages[^1].Content.AddRange(blocks);
            }
            else if (blocks.Count > 0)
            {
                messages.Add(new AnthropicMessage { Role = role, Content = blocks });
            }
        }
        string lead = "";
        if (query.JsonOutput && (messages.Count == 0 || messages[^1].Role != "assistant"))
        {
            lead = "{";
            messages.Add(new AnthropicMessage { Role = "assistant", Content = [new AnthropicBlock { Type = "text", Text = lead }] });
        }
        var request = new AnthropicRequest
        {
            Model = HttpBackendSupport.Model(query, Name, Models),
            MaxTokens = query.MaxTokens,
            System = system.Length > 0 ? system.ToString() : null,
            Messages = messages,
            Tools = query.Tools is { Count: > 0 } tools ? [.. tools.Select(t => new AnthropicTool { Name = t.Name, Description = t.Description, InputSchema = t.ParametersSchema })] : null,
            Temperature = query.Temperature,
            Stream = stream ? true : null,
        };
        return (JsonSerializer.SerializeToUtf8Bytes(request, AgentOSJsonContext.Default.AnthropicRequest), lead);
    }

    private static (string Role, List<AnthropicBlock> Blocks) Blocks(ChatMessage message)
    {
        if (message.Role == "tool")
        {
            return ("user", [new AnthropicBlock { Type = "tool_result", ToolUseId = message.ToolCallId, Content = message.Content }]);
        }
        var blocks = new List<AnthropicBlock>();
        // A prefill may not end in whitespace (the API refuses it); the model's continuation brings its own.
        var text = message.Role == "assistant" ? message.Content.TrimEnd() : message.Content;
        if (text.Length > 0)
        {
            blocks.Add(new AnthropicBlock { Type = "text", Text = text });
        }
        foreach (var call in message.ToolCalls ?? [])
        {
            blocks.Add(new AnthropicBlock { Type = "tool_use", Id = call.Id, Name = call.Name, Input = call.Arguments });
        }
        return (message.Role == "assistant" ? "assistant" : "user", blocks);
    }

    private ToolCall Call(string? id, string? name, string? input)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw _http.Malformed(null, "a tool_use block without a name");
        }
        return HttpBackendSupport.Call(id, name, input);
    }
}
