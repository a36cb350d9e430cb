using AgentOS.Syscalls.Queries;

namespace AgentOS.Llm;

/// <summary>
/// A stand-in LLM that answers with the last user message, after a configurable latency on the kernel's clock. It is
/// what the kernel runs until a real backend is configured, and the no-op backend of the overhead benchmarks
/// (latency zero: it answers synchronously). Token counts are whitespace-separated words, not a real tokenizer.
/// </summary>
public sealed class EchoLlmBackend(TimeSpan latency = default, TimeProvider? time = null, int slots = 1, string name = "echo") : ILlmBackend
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <inheritdoc />
    public string Name { get; } = name;

    /// <inheritdoc />
    public int Slots { get; } = slots;

    /// <summary>It reads the whole conversation but only repeats the last user message; it wraps it as JSON when asked
    /// and streams it word by word. No tools, no embeddings, no continuation, and no real context limit.</summary>
    public LlmCapabilities Capabilities { get; } = new() { JsonOutput = true, Streaming = true, MaxContextTokens = int.MaxValue };

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
        foreach (var message in query.Messages)
        {
            prompt += Words(message.Content);
            if (message.Role == "user")
            {
                last = message.Content;
            }
        }
        string content = query.JsonOutput ? $"{{\"echo\":{System.Text.Json.JsonSerializer.Serialize(last, Serialization.AgentOSJsonContext.Default.String)}}}" : last;
        int completion = Math.Min(Words(content), query.MaxTokens);
        return new LlmResponse { Content = content, PromptTokens = prompt, CompletionTokens = completion, Backend = Name };
    }

    private static int Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
}
