using AgentOS.Context;

namespace AgentOS.Llm.Embedded;

/// <summary>
/// run.c's generation loop: feed the prompt's tokens (BOS first), then sample one token per step until the step
/// budget or a BOS (which delimits sequences in llama2.c's training data) ends it.
/// </summary>
public sealed class Llama2Generator(Llama2Model model, Llama2Tokenizer tokenizer)
{
    /// <summary>The model.</summary>
    public Llama2Model Model { get; } = model;

    /// <summary>The tokenizer.</summary>
    public Llama2Tokenizer Tokenizer { get; } = tokenizer;

    /// <summary>Generates after <paramref name="prompt"/> for at most <paramref name="steps"/> positions (prompt included,
    /// as run.c counts them) and returns the generated token ids (prompt excluded) and their text.</summary>
    public (IReadOnlyList<int> Tokens, string Text) Generate(string prompt, int steps, Llama2Sampler sampler, CancellationToken cancellationToken = default)
    {
        var generated = new List<int>();
        var bytes = new List<byte>();
        foreach (var (token, piece) in Steps(prompt, steps, sampler, cancellationToken))
        {
            generated.Add(token);
            bytes.AddRange(piece);
        }
        return (generated, System.Text.Encoding.UTF8.GetString([.. bytes]));
    }

    /// <summary>
    /// The generation loop itself, one generated token at a time with its bytes (decoded after the token before it,
    /// as run.c prints them). Lazy: each step runs when the caller asks for the next token.
    /// </summary>
    public IEnumerable<(int Token, byte[] Piece)> Steps(string prompt, int steps, Llama2Sampler sampler, CancellationToken cancellationToken = default)
    {
        using var generation = Start(prompt, steps, sampler);
        while (!generation.IsFinished)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int previous = generation.PendingToken;
            int token = generation.Step();
            if (token >= 0)
            {
                yield return (token, Tokenizer.Decode(previous, token));
            }
        }
    }

    /// <summary>Sequences (KV caches) recycled across this generator's generations.</summary>
    public Llama2SequencePool Pool { get; } = new(model);

    /// <summary>What this generator's generations computed.</summary>
    public Llama2Counters Counters { get; } = new();

    /// <summary>Starts a resumable generation after <paramref name="prompt"/> (see <see cref="Llama2Generation"/>).</summary>
    public Llama2Generation Start(string prompt, int steps, Llama2Sampler sampler) =>
        Llama2Generation.Start(Pool, Tokenizer.Encode(prompt, bos: true), steps, sampler, Counters);

    /// <summary>Continues a suspended generation from its snapshot (see <see cref="Llama2Generation.Resume"/>).</summary>
    /// <exception cref="SnapshotFormatException">The snapshot is not one this model can continue.</exception>
    public Llama2Generation Resume(ReadOnlySpan<byte> snapshot) => Llama2Generation.Resume(Pool, snapshot, Counters);
}
