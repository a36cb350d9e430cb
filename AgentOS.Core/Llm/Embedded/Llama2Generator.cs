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
        ArgumentNullException.ThrowIfNull(sampler);
        steps = Math.Clamp(steps, 1, Model.Config.SeqLen);
        var promptTokens = Tokenizer.Encode(prompt, bos: true);
        var sequence = Model.NewSequence();
        var logits = new float[Model.Config.VocabSize];
        int token = promptTokens[0];
        for (int pos = 0; pos < steps; pos++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Model.Forward(sequence, token, pos).CopyTo(logits);
            int next = pos < promptTokens.Count - 1 ? promptTokens[pos + 1] : sampler.Sample(logits);
            if (next == Llama2Tokenizer.Bos)
            {
                yield break;
            }
            if (pos >= promptTokens.Count - 1)
            {
                yield return (next, Tokenizer.Decode(token, next));
            }
            token = next;
        }
    }
}
