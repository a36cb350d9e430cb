namespace AgentOS.Llm.Embedded;

/// <summary>
/// One resumable generation, run.c's loop turned inside out so a scheduler drives it a position at a time: feed
/// <see cref="PendingToken"/> at <see cref="Position"/> (alone with <see cref="Step"/>, or in a batch step), then
/// <see cref="Advance"/> takes the next prompt token or samples one. Between two positions it can be suspended to bytes
/// (<see cref="Suspend"/>) and resumed anywhere (<see cref="Resume"/>) with no prefill: the snapshot holds the KV cache
/// of every computed position, the tokens, the pending token and the sampler with its random state.
/// </summary>
public sealed partial class Llama2Generation : IDisposable
{
    private readonly Llama2SequencePool _pool;
    private readonly Llama2Counters? _counters;
    private readonly int[] _tokens; // the prompt (BOS first), then generated tokens; _tokens[Position] is fed next
    private int _count;
    private Llama2Sequence? _sequence;

    private Llama2Generation(Llama2SequencePool pool, Llama2Counters? counters, int[] tokens, int count, int promptLength, int position, int steps, Llama2Sampler sampler)
    {
        _pool = pool;
        _counters = counters;
        _tokens = tokens;
        _count = count;
        PromptLength = promptLength;
        Position = position;
        Steps = steps;
        Sampler = sampler;
        _sequence = pool.Rent();
    }

    /// <summary>Starts a generation after <paramref name="promptTokens"/> (BOS first, as the tokenizer encodes with
    /// <c>bos: true</c>) for at most <paramref name="steps"/> positions, prompt included, as run.c counts them.</summary>
    /// <exception cref="ArgumentException">The prompt is empty or holds a token outside the vocabulary.</exception>
    public static Llama2Generation Start(Llama2SequencePool pool, IReadOnlyList<int> promptTokens, int steps, Llama2Sampler sampler, Llama2Counters? counters = null)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(promptTokens);
        ArgumentNullException.ThrowIfNull(sampler);
        var config = pool.Model.Config;
        if (promptTokens.Count == 0)
        {
            throw new ArgumentException("A generation needs at least one prompt token (BOS).", nameof(promptTokens));
        }
        steps = Math.Clamp(steps, 1, config.SeqLen);
        var tokens = new int[Math.Max(promptTokens.Count, steps + 1)];
        for (int i = 0; i < promptTokens.Count; i++)
        {
            if ((uint)promptTokens[i] >= (uint)config.VocabSize)
            {
                throw new ArgumentException($"Prompt token {i} is {promptTokens[i]}; token ids run from 0 to {config.VocabSize - 1}.", nameof(promptTokens));
            }
            tokens[i] = promptTokens[i];
        }
        return new Llama2Generation(pool, counters, tokens, promptTokens.Count, promptTokens.Count, 0, steps, sampler);
    }

    /// <summary>The positions computed so far; the next step computes this one.</summary>
    public int Position { get; private set; }

    /// <summary>How many prompt tokens (BOS included) it started with.</summary>
    public int PromptLength { get; }

    /// <summary>The position budget (prompt included), at most the model's context.</summary>
    public int Steps { get; }

    /// <summary>The sampler (its random state advances with every sampled token).</summary>
    public Llama2Sampler Sampler { get; }

    /// <summary>The token the next step feeds.</summary>
    public int PendingToken => _tokens[Position];

    /// <summary>Whether it ended: the step budget is spent or the model produced BOS.</summary>
    public bool IsFinished { get; private set; }

    /// <summary>Whether it ended because the model produced BOS (a "stop", not a "length" finish).</summary>
    public bool StoppedAtBos { get; private set; }

    /// <summary>Whether its prompt is still being fed (prefill).</summary>
    public bool InPrefill => Position < PromptLength - 1;

    /// <summary>The tokens generated so far.</summary>
    public ReadOnlySpan<int> Generated => _tokens.AsSpan(PromptLength, Math.Max(0, _count - PromptLength));

    /// <summary>The prompt's tokens.</summary>
    public ReadOnlySpan<int> Prompt => _tokens.AsSpan(0, PromptLength);

    internal Llama2Sequence Sequence => _sequence ?? throw new ObjectDisposedException(nameof(Llama2Generation), "The generation was suspended or disposed; resume its snapshot to continue it.");

    /// <summary>Computes the next position on its own and advances; returns the generated token, or -1 during prefill
    /// and when it finished.</summary>
    /// <exception cref="InvalidOperationException">It already finished.</exception>
    public int Step()
    {
        ThrowIfFinished();
        _pool.Model.Forward(Sequence, PendingToken, Position);
        return Advance();
    }

    /// <summary>
    /// Takes the logits the last step computed for this generation's sequence (by <see cref="Step"/> or a batch step
    /// over <see cref="Sequence"/>) and moves to the next position: the next prompt token, or a sampled one.
    /// Returns the generated token, or -1 during prefill and when it finished (a sampled BOS is not returned).
    /// </summary>
    internal int Advance()
    {
        ThrowIfFinished();
        bool prefill = InPrefill;
        _counters?.AddPosition(prefill);
        int pos = Position;
        Position = pos + 1;
        if (prefill)
        {
            FinishIfBudgetSpent();
            return -1;
        }
        int next = Sampler.Sample(Sequence.Logits);
        if (next == Llama2Tokenizer.Bos)
        {
            IsFinished = true;
            StoppedAtBos = true;
            return -1;
        }
        _tokens[_count++] = next;
        FinishIfBudgetSpent();
        return next;
    }

    private void FinishIfBudgetSpent()
    {
        if (Position >= Steps)
        {
            IsFinished = true;
        }
    }

    private void ThrowIfFinished()
    {
        if (IsFinished)
        {
            throw new InvalidOperationException("The generation has finished; start a new one.");
        }
    }

    /// <summary>Gives its sequence (KV cache) back to the pool. Idempotent.</summary>
    public void Dispose()
    {
        var sequence = Interlocked.Exchange(ref _sequence, null);
        if (sequence is not null)
        {
            _pool.Return(sequence);
        }
    }
}
