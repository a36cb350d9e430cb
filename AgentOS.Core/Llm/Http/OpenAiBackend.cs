using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using AgentOS.Serialization;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Llm.Http;

/// <summary>
/// An OpenAI-compatible server as a kernel LLM backend: <c>/chat/completions</c> whole and streamed (server-sent
/// events, tool-call fragments joined by index, usage from <c>stream_options.include_usage</c>), tool calls, JSON
/// output, <c>/embeddings</c>, and vLLM's <c>continue_final_message</c> where configured. One instance serves OpenAI,
/// vLLM, Ollama, llama.cpp's server, LM Studio and the rest through <see cref="OpenAiBackendOptions.BaseUrl"/>.
/// </summary>
/// <remarks>Failures are typed: 429 (and 503 with Retry-After) a <see cref="RateLimitedException"/> carrying the retry
/// time; other server errors and broken or cut streams a <see cref="BackendFailedException"/>; silence past the timeout
/// a <see cref="DeadlineExceededException"/>. It never retries: retrying is the Reactor's decision.</remarks>
public sealed class OpenAiBackend : ILlmBackend, IDisposable
{
    private readonly OpenAiBackendOptions _options;
    private readonly HttpLlmTransport _http;

    /// <summary>Creates the backend (no request is made until the first call).</summary>
    /// <exception cref="ArgumentException">No model, or a base URL that is not http(s).</exception>
    public OpenAiBackend(OpenAiBackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Slots, 1);
        if (options.Models.Count == 0)
        {
            throw new ArgumentException($"The OpenAI-compatible backend '{options.Name}' needs at least one model name (the first is the default).", nameof(options));
        }
        _options = options;
        var key = options.ApiKey ?? Environment.GetEnvironmentVariable(options.ApiKeyEnvironmentVariable);
        var baseUri = HttpBackendSupport.BaseUri(options.BaseUrl, "OPENAI_BASE_URL", "https://api.openai.com/v1", options.Name);
        _http = new HttpLlmTransport(options.Name, baseUri, options.Timeout, options.TimeProvider, headers =>
        {
            if (!string.IsNullOrEmpty(key))
            {
                headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            }
        });
        Capabilities = new()
        {
            ChatTemplate = true,
            ToolCalls = options.ToolCalls,
            JsonOutput = options.JsonOutput,
            Embeddings = options.EmbeddingModel is not null,
            Continuation = options.ContinueFinalMessage,
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

    /// <summary>The base URL requests go to.</summary>
    public Uri BaseUri => _http.BaseUri;

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    /// <inheritdoc />
    public async ValueTask<LlmResponse> GenerateAsync(LlmQuery query, CancellationToken cancellationToken = default)
    {
        var body = Request(query, stream: false);
        var bytes = await _http.PostAsync("chat/completions", body, cancellationToken).ConfigureAwait(false);
        var completion = _http.Parse(bytes, AgentOSJsonContext.Default.OpenAiChatResponse);
        if (completion.Choices is not [var choice, ..] || choice.Message is not { } message)
        {
            throw _http.Malformed(null, "a completion without choices");
        }
        var calls = message.ToolCalls?.Select(c => ToToolCall(c.Id, c.Function?.Name, c.Function?.Arguments)).ToList() ?? [];
        return new LlmResponse
        {
            Content = message.Content ?? "",
            ToolCalls = calls,
            PromptTokens = completion.Usage?.PromptTokens ?? 0,
            CompletionTokens = completion.Usage?.CompletionTokens ?? 0,
            FinishReason = choice.FinishReason ?? (calls.Count > 0 ? "tool_calls" : "stop"),
            Backend = Name,
        };
    }

    /// <summary>Streams the answer as the server sends it; the last item carries the whole response with its usage
    /// and any tool calls. A stream that ends before <c>[DONE]</c> fails with <see cref="BackendFailedException"/>.</summary>
    public async IAsyncEnumerable<LlmStreamItem> StreamAsync(LlmQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var body = Request(query, stream: true);
        var text = new StringBuilder();
        var calls = new SortedDictionary<int, (string? Id, string? Name, StringBuilder Arguments)>();
        string? finish = null;
        OpenAiUsage? usage = null;
        int pieces = 0;
        bool done = false;
        await foreach (var (_, data) in _http.StreamAsync("chat/completions", body, cancellationToken).ConfigureAwait(false))
        {
            if (data == "[DONE]")
            {
                done = true;
                break;
            }
            var chunk = _http.Parse(data, AgentOSJsonContext.Default.OpenAiChatResponse);
            if (chunk.Error is { } error)
            {
                throw new BackendFailedException($"The LLM backend '{Name}' reported an error in the middle of its stream: {error.Message ?? error.Type}. Retry the call, or use another backend.");
            }
            usage = chunk.Usage ?? usage;
            foreach (var choice in chunk.Choices ?? [])
            {
                finish = choice.FinishReason ?? finish;
                if (choice.Delta is not { } delta)
                {
                    continue;
                }
                foreach (var fragment in delta.ToolCalls ?? [])
                {
                    // The id and name come with a call's first fragment; its arguments accrete over the following ones.
                    int index = fragment.Index ?? calls.Count;
                    var call = calls.TryGetValue(index, out var known) ? known : (null, null, new StringBuilder());
                    calls[index] = (call.Id ?? fragment.Id, call.Name ?? fragment.Function?.Name, call.Arguments.Append(fragment.Function?.Arguments));
                }
                if (delta.Content is { Length: > 0 } piece)
                {
                    text.Append(piece);
                    pieces++;
                    yield return new LlmStreamItem(piece);
                }
            }
        }
        if (!done)
        {
            throw _http.Truncated("data: [DONE]");
        }
        var toolCalls = calls.Values.Select(c => ToToolCall(c.Id, c.Name, c.Arguments.ToString())).ToList();
        yield return new LlmStreamItem(null, new LlmResponse
        {
            Content = text.ToString(),
            ToolCalls = toolCalls,
            PromptTokens = usage?.PromptTokens ?? 0,
            // Servers that ignore include_usage still sent one piece per token or so.
            CompletionTokens = usage?.CompletionTokens ?? pieces,
            FinishReason = finish ?? (toolCalls.Count > 0 ? "tool_calls" : "stop"),
            Backend = Name,
        });
    }

    /// <summary>Embeds the texts with <see cref="OpenAiBackendOptions.EmbeddingModel"/> (or <paramref name="model"/>).</summary>
    public async Task<LlmEmbeddings> EmbedAsync(IReadOnlyList<string> inputs, string? model = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!Capabilities.Embeddings)
        {
            throw new CapabilityNotSupportedException($"The LLM backend '{Name}' has no embedding model configured (set its embedding_model); route embeddings to a backend that declares them.");
        }
        var request = new OpenAiEmbeddingRequest { Model = model ?? _options.EmbeddingModel!, Input = [.. inputs] };
        var bytes = await _http.PostAsync("embeddings", JsonSerializer.SerializeToUtf8Bytes(request, AgentOSJsonContext.Default.OpenAiEmbeddingRequest), cancellationToken).ConfigureAwait(false);
        var response = _http.Parse(bytes, AgentOSJsonContext.Default.OpenAiEmbeddingResponse);
        var vectors = new float[inputs.Count][];
        foreach (var item in response.Data ?? [])
        {
            if (item.Index < 0 || item.Index >= vectors.Length || item.Embedding is null)
            {
                throw _http.Malformed(null, $"an embedding for input {item.Index} of {vectors.Length}");
            }
            vectors[item.Index] = item.Embedding;
        }
        if (Array.IndexOf(vectors, null) is var missing and >= 0)
        {
            throw _http.Malformed(null, $"embeddings without one for input {missing}");
        }
        return new LlmEmbeddings { Vectors = vectors, PromptTokens = response.Usage?.PromptTokens ?? 0, Model = response.Model ?? request.Model, Backend = Name };
    }

    private byte[] Request(LlmQuery query, bool stream)
    {
        HttpBackendSupport.Require(query, Name, Capabilities);
        bool continuing = query.Messages[^1].Role == "assistant";
        var request = new OpenAiChatRequest
        {
            Model = HttpBackendSupport.Model(query, Name, Models),
            Messages = [.. query.Messages.Select(ToWire)],
            MaxTokens = query.MaxTokens,
            Temperature = query.Temperature,
            Stream = stream ? true : null,
            StreamOptions = stream ? new OpenAiStreamOptions { IncludeUsage = true } : null,
            Tools = query.Tools is { Count: > 0 } tools
                ? [.. tools.Select(t => new OpenAiTool { Function = new OpenAiFunction { Name = t.Name, Description = t.Description, Parameters = t.ParametersSchema } })]
                : null,
            ResponseFormat = query.JsonOutput ? new OpenAiResponseFormat() : null,
            ContinueFinalMessage = continuing ? true : null,
            AddGenerationPrompt = continuing ? false : null,
        };
        return JsonSerializer.SerializeToUtf8Bytes(request, AgentOSJsonContext.Default.OpenAiChatRequest);
    }

    // An assistant turn that only called tools goes out with content null, as OpenAI writes it (some servers refuse
    // "" beside tool_calls); its calls go back with the arguments exactly as the model wrote them, malformed or not.
    private static OpenAiMessage ToWire(ChatMessage message) => new()
    {
        Role = message.Role,
        Content = message.Content.Length == 0 && message.ToolCalls is { Count: > 0 } ? null : message.Content,
        ToolCallId = message.ToolCallId,
        ToolCalls = message.ToolCalls is { Count: > 0 } calls
            ? [.. calls.Select(c => new OpenAiToolCall { Id = c.Id, Type = "function", Function = new OpenAiFunctionCall { Name = c.Name, Arguments = c.MalformedArguments ?? c.Arguments.GetRawText() } })]
            : null,
    };

    private ToolCall ToToolCall(string? id, string? name, string? arguments)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw _http.Malformed(null, "a tool call without a function name");
        }
        return HttpBackendSupport.Call(id, name, arguments);
    }
}
