using System.Runtime.CompilerServices;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Llm.Embedded;

/// <summary>
/// The embedded llama2.c engine as a kernel LLM backend: no server, no download beyond the checkpoint file. The story
/// models it runs have no chat template, so the prompt is the last user message and the answer its continuation.
/// Generation is CPU-bound and runs on the thread pool, one sequence per execution slot. Deterministic: temperature 0
/// is greedy; otherwise sampling is seeded (seed 1), as run.c's default.
/// </summary>
public sealed class EmbeddedLlmBackend : ILlmBackend
{
    private readonly Llama2Generator _generator;

    /// <summary>Loads a llama2.c checkpoint (any of its formats) and its tokenizer.</summary>
    /// <exception cref="ModelFormatException">Either file is missing or invalid.</exception>
    public EmbeddedLlmBackend(string modelPath, string tokenizerPath, string name = "embedded", int slots = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        var model = new Llama2Model(Llama2Checkpoint.Load(modelPath));
        _generator = new Llama2Generator(model, Llama2Tokenizer.Load(tokenizerPath, model.Config.VocabSize));
        Name = name;
        Slots = slots;
        Capabilities = new() { Streaming = true, MaxContextTokens = model.Config.SeqLen };
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public int Slots { get; }

    /// <summary>Streams token by token within the checkpoint's sequence length; the story models have no chat
    /// template, no tool calls, no JSON mode and no embeddings.</summary>
    public LlmCapabilities Capabilities { get; }

    /// <inheritdoc />
    public ValueTask<LlmResponse> GenerateAsync(LlmQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return new ValueTask<LlmResponse>(Task.Run(() =>
        {
            var (prompt, steps) = Prepare(query);
            var (tokens, text) = _generator.Generate(prompt, steps, Sampler(query), cancellationToken);
            return Response(prompt, tokens.Count, text, steps);
        }, cancellationToken));
    }

    /// <summary>Streams the continuation token by token.</summary>
    public async IAsyncEnumerable<LlmStreamItem> StreamAsync(LlmQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (prompt, steps) = Prepare(query);
        var text = new System.Text.StringBuilder();
        int generated = 0;
        foreach (var (_, bytes) in _generator.Steps(prompt, steps, Sampler(query), cancellationToken))
        {
            generated++;
            var piece = System.Text.Encoding.UTF8.GetString(bytes);
            text.Append(piece);
            yield return new LlmStreamItem(piece);
            if (generated % 16 == 0)
            {
                await Task.Yield(); // a long generation gives its thread back now and then
            }
        }
        yield return new LlmStreamItem(null, Response(prompt, generated, text.ToString(), steps));
    }

    private (string Prompt, int Steps) Prepare(LlmQuery query)
    {
        var prompt = query.Messages.LastOrDefault(m => m.Role == "user")?.Content ?? "";
        int promptTokens = _generator.Tokenizer.Encode(prompt, bos: true).Count;
        // The prompt fills positions 0 .. n-2 (BOS first); each generated token takes one more.
        return (prompt, Math.Min(_generator.Model.Config.SeqLen, promptTokens - 1 + Math.Max(1, query.MaxTokens)));
    }

    private static Llama2Sampler Sampler(LlmQuery query) => new((float)query.Temperature, topP: 0.9f, seed: 1);

    private LlmResponse Response(string prompt, int generated, string text, int steps)
    {
        int promptTokens = _generator.Tokenizer.Encode(prompt, bos: true).Count;
        return new()
        {
            Content = text,
            PromptTokens = promptTokens,
            CompletionTokens = generated,
            // The step budget covers the prompt's tokens after BOS and the generated ones.
            FinishReason = generated >= steps - (promptTokens - 1) ? "length" : "stop",
            Backend = Name,
        };
    }
}
