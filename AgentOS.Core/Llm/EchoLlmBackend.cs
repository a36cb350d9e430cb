using AgentOS.Syscalls.Queries;

namespace AgentOS.Llm;

/// <summary>
/// A stand-in LLM that answers with the last user message, after a configurable latency on the kernel's clock. It is
/// what the kernel runs until a real backend is configured, and the no-op backend of the overhead benchmarks
/// (latency zero: it answers synchronously). A token is a whitespace-separated word, in the prompt and in the answer
/// alike, and the answer is cut to <see cref="LlmQuery.MaxTokens"/> words (finish reason <c>length</c>).
/// Offered tools, it plans the way a model would, deterministically: when the last user message names one of them (its
/// whole name, or a word of it longer than three letters: "weather" for <c>get_weather</c>), it answers with a call to
/// that tool, its arguments the first JSON object in the message (or <c>{}</c>). Once tool results follow that user
/// message, it answers with them (their texts, one per line) instead of planning again, so a tool loop ends.
/// </summary>
public sealed class EchoLlmBackend(TimeSpan latency = default, TimeProvider? time = null, int slots = 1, string name = "echo") : ILlmBackend
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <inheritdoc />
    public string Name { get; } = name;

    /// <inheritdoc />
    public int Slots { get; } = slots;

    /// <summary>It reads the whole conversation but only repeats the last user message (or plans a call of a tool it
    /// names); it wraps it as JSON when asked and streams it word by word; it embeds deterministically (see
    /// <see cref="EmbedAsync"/>). No continuation, and no real context limit.</summary>
    public LlmCapabilities Capabilities { get; } = new() { ToolCalls = true, JsonOutput = true, Streaming = true, Embeddings = true, MaxContextTokens = int.MaxValue };

    /// <summary>The length of its embedding vectors.</summary>
    public const int EmbeddingDimensions = 384;

    /// <summary>
    /// Embeds each text as a unit-length vector of <see cref="EmbeddingDimensions"/> hashed words and trigrams (the
    /// <see cref="Memory.HashedNgramEmbedder"/>): deterministic, with no model, so texts that share words are near each
    /// other. An empty text is the zero vector. A token is a word, as for generation.
    /// </summary>
    public Task<LlmEmbeddings> EmbedAsync(IReadOnlyList<string> inputs, string? model = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<LlmEmbeddings>(cancellationToken);
        }
        var vectors = new float[inputs.Count][];
        int tokens = 0;
        for (int i = 0; i < vectors.Length; i++)
        {
            var vector = vectors[i] = new float[EmbeddingDimensions];
            Embedder.Embed(inputs[i], vector);
            float squares = 0;
            foreach (float x in vector)
            {
                squares += x * x;
            }
            float norm = MathF.Sqrt(squares);
            for (int d = 0; norm > 0 && d < vector.Length; d++)
            {
                vector[d] /= norm;
            }
            tokens += Words(inputs[i]);
        }
        return Task.FromResult(new LlmEmbeddings { Vectors = vectors, PromptTokens = tokens, Model = Name, Backend = Name });
    }

    private static readonly Memory.HashedNgramEmbedder Embedder = new(EmbeddingDimensions);

    /// <inheritdoc />
    public ValueTask<LlmResponse> GenerateAsync(LlmQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<LlmResponse>(cancellationToken);
        }
        var response = Answer(query);
        return latency <= TimeSpan.Zero ? ValueTask.FromResult(response) : Delayed(response, cancellationToken);
    }

    /// <summary>Streams the answer word by word (the latency, if any, spread evenly over the words).</summary>
    public async IAsyncEnumerable<LlmStreamItem> StreamAsync(LlmQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var response = Answer(query);
        var pieces = System.Text.RegularExpressions.Regex.Split(response.Content, @"(?<=\s)").Where(p => p.Length > 0).ToList();
        var step = pieces.Count > 0 ? latency / pieces.Count : TimeSpan.Zero;
        foreach (var piece in pieces)
        {
            if (step > TimeSpan.Zero)
            {
                await Task.Delay(step, _time, cancellationToken).ConfigureAwait(false);
            }
            cancellationToken.ThrowIfCancellationRequested();
            yield return new LlmStreamItem(piece);
        }
        yield return new LlmStreamItem(null, response);
    }

    private async ValueTask<LlmResponse> Delayed(LlmResponse response, CancellationToken cancellationToken)
    {
        await Task.Delay(latency, _time, cancellationToken).ConfigureAwait(false);
        return response;
    }

    private LlmResponse Answer(LlmQuery query)
    {
        string last = "";
        int prompt = 0;
        var results = new List<string>();
        foreach (var message in query.Messages)
        {
            prompt += Words(message.Content);
            if (message.Role == "user")
            {
                last = message.Content;
                results.Clear();
            }
            else if (message.Role == "tool")
            {
                results.Add(message.Content);
            }
        }
        if (results.Count > 0)
        {
            // The plan was carried out: the tools' answers are the answer (the last user message is not planned again).
            last = string.Join("\n", results);
        }
        else if (PlannedCall(query, last) is { } call)
        {
            return new LlmResponse { ToolCalls = [call], PromptTokens = prompt, CompletionTokens = 1, FinishReason = "tool_calls", Backend = Name };
        }
        string content = query.JsonOutput ? $"{{\"echo\":{System.Text.Json.JsonSerializer.Serialize(last, Serialization.AgentOSJsonContext.Default.String)}}}" : last;
        // It generates what it reports: at most max_tokens words, each counted as one token, the way the prompt is.
        var (answer, completion, cut) = FirstWords(content, query.MaxTokens);
        return new LlmResponse { Content = answer, PromptTokens = prompt, CompletionTokens = completion, FinishReason = cut ? "length" : "stop", Backend = Name };
    }

    private static ToolCall? PlannedCall(LlmQuery query, string message)
    {
        var tool = query.Tools?.FirstOrDefault(t => message.Contains(t.Name, StringComparison.Ordinal))
            ?? query.Tools?.FirstOrDefault(t => t.Name.Split(['_', '.', '-']).Any(word => word.Length > 3 && message.Contains(word, StringComparison.OrdinalIgnoreCase)));
        if (tool is null)
        {
            return null;
        }
        int start = message.IndexOf('{', StringComparison.Ordinal), end = message.LastIndexOf('}');
        System.Text.Json.JsonElement arguments;
        try
        {
            arguments = System.Text.Json.JsonDocument.Parse(start < 0 || end < start ? "{}" : message[start..(end + 1)]).RootElement;
        }
        catch (System.Text.Json.JsonException)
        {
            arguments = System.Text.Json.JsonDocument.Parse("{}").RootElement;
        }
        return new ToolCall(tool.Name, arguments) { Id = "call_" + tool.Name };
    }

    // The text's first `limit` words (whitespace between them kept), how many words that is, and whether any were cut.
    private static (string Text, int Words, bool Cut) FirstWords(string text, int limit)
    {
        int words = 0;
        for (int i = 0; ;)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }
            if (i == text.Length)
            {
                return (text, words, false);
            }
            if (words == limit)
            {
                return (text[..i].TrimEnd(), words, true);
            }
            words++;
            while (i < text.Length && !char.IsWhiteSpace(text[i]))
            {
                i++;
            }
        }
    }

    private static int Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
}
