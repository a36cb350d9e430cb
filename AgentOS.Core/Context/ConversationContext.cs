namespace AgentOS.Context;

/// <summary>
/// One agent conversation as the context manager keeps it: its messages with their token counts, the token totals of
/// its generations, and the generation in progress when one was preempted. <see cref="PrepareAsync"/> gives the
/// messages to send so that they and the answer fit the model's context window, by the chosen strategy; a
/// conversation that outgrows the window is cut or summarized, never an error. Not thread-safe: one conversation is
/// driven by one agent at a time.
/// </summary>
public sealed class ConversationContext
{
    private readonly List<ContextMessage> _messages = [];
    private readonly Func<string, int> _count;
    private int _window;

    /// <summary>Creates an empty conversation.</summary>
    /// <param name="agentId">The agent it belongs to.</param>
    /// <param name="id">Its name, unique per agent.</param>
    /// <param name="window">The model's context window in tokens (prompt and answer together).</param>
    /// <param name="countTokens">Measures a text in the model's tokens (its tokenizer, or an estimate).</param>
    /// <param name="strategy">How an overlong conversation is made to fit (default: truncate the oldest turns).</param>
    public ConversationContext(string agentId, string id, int window, Func<string, int> countTokens, IContextWindowStrategy? strategy = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        AgentId = agentId;
        Id = id;
        Window = window;
        _count = countTokens ?? throw new ArgumentNullException(nameof(countTokens));
        Strategy = strategy ?? TruncateOldestTurns.Instance;
    }

    /// <summary>The agent it belongs to.</summary>
    public string AgentId { get; }

    /// <summary>Its name, unique per agent.</summary>
    public string Id { get; }

    /// <summary>The model's context window in tokens. The kernel sets it to the window of the backend serving each
    /// turn, since one conversation may move between backends.</summary>
    public int Window
    {
        get => _window;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _window = value;
        }
    }

    /// <summary>How an overlong conversation is made to fit.</summary>
    public IContextWindowStrategy Strategy { get; set; }

    /// <summary>Every message so far, oldest first.</summary>
    public IReadOnlyList<ContextMessage> Messages => _messages;

    /// <summary>The size of every message together, in tokens.</summary>
    public int Tokens => _messages.Sum(m => m.Tokens);

    /// <summary>Prompt tokens the model read over all of this conversation's generations.</summary>
    public long PromptTokensUsed { get; private set; }

    /// <summary>Tokens the model generated over all of this conversation's generations.</summary>
    public long CompletionTokensUsed { get; private set; }

    /// <summary>What the model was sent for the last recorded answer: the conversation as fitted to that backend's
    /// window (not persisted; empty after a restart until the next turn).</summary>
    public IReadOnlyList<ContextMessage> LastPrompt { get; internal set; } = [];

    /// <summary>The answer in progress when its generation was preempted (what a resume continues), if any.</summary>
    public GenerationSnapshot? Pending { get; set; }

    /// <summary>Adds a message, measured in tokens.</summary>
    public ContextMessage Append(string role, string content)
    {
        ArgumentException.ThrowIfNullOrEmpty(role);
        ArgumentNullException.ThrowIfNull(content);
        var message = new ContextMessage(role, content, _count(content));
        _messages.Add(message);
        return message;
    }

    /// <summary>
    /// The messages to send for the next answer: all of them when they fit beside <paramref name="answerTokens"/>,
    /// else what the strategy makes of them (the stored conversation itself is unchanged). The answer's share is
    /// capped at half the window, so a large answer budget cannot crowd out the whole conversation.
    /// </summary>
    public ValueTask<IReadOnlyList<ContextMessage>> PrepareAsync(int answerTokens, CancellationToken cancellationToken = default)
    {
        int reserve = Math.Clamp(answerTokens, 0, Window / 2);
        return Strategy.FitAsync(_messages, Window - reserve, _count, cancellationToken);
    }

    // A message read back from storage keeps the size it was measured at.
    internal void Restore(IEnumerable<ContextMessage> messages, long promptTokens, long completionTokens)
    {
        _messages.AddRange(messages);
        PromptTokensUsed += promptTokens;
        CompletionTokensUsed += completionTokens;
    }

    // A summarizing strategy's result replaces the stored conversation, so the summary is kept and the dropped turns
    // are not summarized again on every later turn.
    internal void Replace(IEnumerable<ContextMessage> messages)
    {
        var kept = messages.Select(m => m with { Origin = null }).ToList();
        _messages.Clear();
        _messages.AddRange(kept);
    }

    /// <summary>Records a finished answer: appends it, adds its usage to the totals, clears <see cref="Pending"/>.</summary>
    public void RecordAnswer(string content, int promptTokens, int completionTokens)
    {
        Append("assistant", content);
        PromptTokensUsed += promptTokens;
        CompletionTokensUsed += completionTokens;
        Pending = null;
    }
}
