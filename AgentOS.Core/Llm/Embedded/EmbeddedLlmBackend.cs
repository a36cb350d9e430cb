using System.Runtime.CompilerServices;
using System.Text;
using AgentOS.Context;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Llm.Embedded;

/// <summary>
/// The embedded llama2.c engine as a kernel LLM backend: no server, no download beyond the checkpoint file. The story
/// models it runs have no chat template, so the prompt is the last user message and the answer its continuation.
/// Concurrent generations share batched forward steps (<see cref="Llama2BatchEngine"/>), and the kernel can preempt a
/// generation at any token boundary and resume it, exactly and without prefill, from its snapshot. Deterministic:
/// temperature 0 is greedy; otherwise sampling is seeded (the query's seed, else 1, run.c's default).
/// </summary>
public sealed class EmbeddedLlmBackend : IPreemptibleLlmBackend
{
    private readonly Llama2Generator _generator;

    /// <summary>Loads a llama2.c checkpoint (any of its formats) and its tokenizer.</summary>
    /// <param name="modelPath">The checkpoint.</param>
    /// <param name="tokenizerPath">The tokenizer.bin.</param>
    /// <param name="name">The backend's name.</param>
    /// <param name="slots">Generations the kernel runs at once (each joins the shared batch).</param>
    /// <param name="maxBatch">Generations one forward step serves at most.</param>
    /// <exception cref="ModelFormatException">Either file is missing or invalid.</exception>
    public EmbeddedLlmBackend(string modelPath, string tokenizerPath, string name = "embedded", int slots = 2, int maxBatch = 16)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        var model = new Llama2Model(Llama2Checkpoint.Load(modelPath));
        _generator = new Llama2Generator(model, Llama2Tokenizer.Load(tokenizerPath, model.Config.VocabSize));
        Engine = new Llama2BatchEngine(_generator, maxBatch);
        Name = name;
        Slots = slots;
        Capabilities = new() { Streaming = true, MaxContextTokens = model.Config.SeqLen };
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public int Slots { get; }

    /// <summary>Streams token by token within the checkpoint's sequence length; the story models have no chat
    /// template, no tool calls, no JSON mode and no embeddings. Preemption needs no text continuation: the engine
    /// snapshots its exact state (<see cref="IPreemptibleLlmBackend"/>).</summary>
    public LlmCapabilities Capabilities { get; }

    /// <summary>The batching engine every generation of this backend runs in.</summary>
    public Llama2BatchEngine Engine { get; }

    /// <summary>What the engine computed (prefill and decode positions, steps, snapshots, restores).</summary>
    public Llama2Counters Counters => _generator.Counters;

    /// <inheritdoc />
    public async ValueTask<LlmResponse> GenerateAsync(LlmQuery query, CancellationToken cancellationToken = default)
    {
        var result = await RunAsync(query, null, NoControl.Instance, cancellationToken).ConfigureAwait(false);
        return result.Response!;
    }

    /// <summary>Streams the continuation token by token.</summary>
    public async IAsyncEnumerable<LlmStreamItem> StreamAsync(LlmQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var pieces = System.Threading.Channels.Channel.CreateUnbounded<string>(new() { SingleReader = true });
        var control = new ChannelControl(pieces.Writer);
        var run = RunAsync(query, null, control, cancellationToken).AsTask();
        _ = run.ContinueWith(static (_, writer) => ((System.Threading.Channels.ChannelWriter<string>)writer!).TryComplete(), pieces.Writer, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        await foreach (var piece in pieces.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new LlmStreamItem(piece);
        }
        var result = await run.ConfigureAwait(false);
        yield return new LlmStreamItem(null, result.Response);
    }

    /// <inheritdoc />
    public async ValueTask<LlmRunResult> RunAsync(LlmQuery query, GenerationSnapshot? snapshot, ILlmRunControl control, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(control);
        var generation = Begin(query, snapshot);
        try
        {
            var text = new Utf8Pieces();
            var suspended = await Engine.RunPooledAsync(generation, (_, piece) =>
            {
                if (text.Decode(piece) is { Length: > 0 } delta)
                {
                    control.OnDelta(delta);
                }
            }, () => !text.HasPartial && control.ShouldSuspend, cancellationToken).ConfigureAwait(false);
            var answer = Text(generation);
            if (suspended.Array is not null)
            {
                return new LlmRunResult(null, GenerationSnapshot.Pooled(Name, answer, generation.Generated.Length, suspended));
            }
            return new LlmRunResult(new LlmResponse
            {
                Content = answer,
                PromptTokens = generation.PromptLength,
                CompletionTokens = generation.Generated.Length,
                FinishReason = generation.StoppedAtBos ? "stop" : "length",
                Backend = Name,
            }, null);
        }
        finally
        {
            generation.Dispose();
        }
    }

    private Llama2Generation Begin(LlmQuery query, GenerationSnapshot? resume)
    {
        if (resume is not null)
        {
            if (resume.Backend != Name || !resume.HasEngineState)
            {
                throw new SnapshotFormatException($"The snapshot was made by backend '{resume.Backend}'{(resume.HasEngineState ? "" : " without engine state")}; backend '{Name}' continues only its own engine snapshots.");
            }
            // The snapshot is consumed here: its state is copied into a sequence, then its pooled buffer goes back.
            try
            {
                return _generator.Resume(resume.State);
            }
            finally
            {
                resume.Release();
            }
        }
        var prompt = _generator.Tokenizer.Encode(query.Messages.LastOrDefault(m => m.Role == "user")?.Content ?? "", bos: true);
        // The window holds the prompt and the answer: keep BOS and the prompt's most recent tokens, so an overlong
        // prompt loses its oldest part instead of failing, and at least one position is left to generate.
        int window = _generator.Model.Config.SeqLen;
        if (prompt.Count > window - 1)
        {
            prompt.RemoveRange(1, prompt.Count - (window - 1));
        }
        // The prompt fills positions 0 .. n-2 (BOS first); each generated token takes one more.
        int steps = Math.Min(window, prompt.Count - 1 + Math.Max(1, query.MaxTokens));
        var sampler = new Llama2Sampler((float)query.Temperature, topP: 0.9f, seed: query.Seed ?? 1);
        return Llama2Generation.Start(_generator.Pool, prompt, steps, sampler, _generator.Counters);
    }

    // The answer's text from its tokens, each decoded after its predecessor (the last prompt token before the first).
    private string Text(Llama2Generation generation)
    {
        var bytes = new List<byte>();
        int previous = generation.Prompt[^1];
        foreach (int token in generation.Generated)
        {
            bytes.AddRange(_generator.Tokenizer.Decode(previous, token));
            previous = token;
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    private sealed class NoControl : ILlmRunControl
    {
        public static readonly NoControl Instance = new();

        public bool ShouldSuspend => false;

        public void OnDelta(string text)
        {
        }
    }

    private sealed class ChannelControl(System.Threading.Channels.ChannelWriter<string> writer) : ILlmRunControl
    {
        public bool ShouldSuspend => false;

        public void OnDelta(string text) => writer.TryWrite(text);
    }
}
