namespace AgentOS.Context;

/// <summary>
/// Drops the oldest turns until the conversation fits, keeping every system prompt and the newest message. If those
/// alone do not fit, the newest message loses its beginning (its end is what the model answers), then the system
/// prompts lose their end: the result always fits.
/// </summary>
public sealed class TruncateOldestTurns : IContextWindowStrategy
{
    /// <summary>The shared instance.</summary>
    public static TruncateOldestTurns Instance { get; } = new();

    /// <inheritdoc />
    public string Name => "truncate";

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ContextMessage>> FitAsync(IReadOnlyList<ContextMessage> messages, int budget, Func<string, int> count, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Fit(messages, budget, count));

    internal static IReadOnlyList<ContextMessage> Fit(IReadOnlyList<ContextMessage> messages, int budget, Func<string, int> count)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(count);
        budget = Math.Max(0, budget);
        if (messages.Sum(m => m.Tokens) <= budget)
        {
            return messages;
        }
        int last = messages.Count - 1;
        var kept = new bool[messages.Count];
        int used = 0;
        for (int i = 0; i < messages.Count; i++)
        {
            if (messages[i].IsSystem || i == last)
            {
                kept[i] = true;
                used += messages[i].Tokens;
            }
        }
        // Newest turns first, while they fit.
        for (int i = last - 1; i >= 0; i--)
        {
            if (!kept[i] && used + messages[i].Tokens <= budget)
            {
                kept[i] = true;
                used += messages[i].Tokens;
            }
            else if (!kept[i])
            {
                break; // keep a contiguous recent history: never an old turn without the ones after it
            }
        }
        var result = new List<ContextMessage>();
        for (int i = 0; i < messages.Count; i++)
        {
            if (kept[i])
            {
                result.Add(messages[i]);
            }
        }
        if (used <= budget)
        {
            return result;
        }
        // The system prompts and the newest message alone are too big: cut the newest message's head, then the
        // system prompts' tails.
        int system = result.Where(m => m.IsSystem && !ReferenceEquals(m, messages[last])).Sum(m => m.Tokens);
        var newest = messages[last];
        int room = Math.Max(0, budget - system);
        result[^1] = Cut(newest, room, count, keepEnd: true);
        used = system + result[^1].Tokens;
        for (int i = 0; i < result.Count - 1 && used > budget; i++)
        {
            int over = used - budget;
            var cut = Cut(result[i], Math.Max(0, result[i].Tokens - over), count, keepEnd: false);
            used -= result[i].Tokens - cut.Tokens;
            result[i] = cut;
        }
        return result;
    }

    // The longest head or tail of the message that fits in `tokens`, found by bisection on characters.
    internal static ContextMessage Cut(ContextMessage message, int tokens, Func<string, int> count, bool keepEnd)
    {
        if (message.Tokens <= tokens)
        {
            return message;
        }
        int low = 0, high = message.Content.Length;
        while (low < high)
        {
            int mid = (low + high + 1) / 2;
            if (count(Part(message.Content, mid, keepEnd)) <= tokens)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }
        var text = Part(message.Content, low, keepEnd);
        return message with { Content = text, Tokens = text.Length == 0 ? 0 : count(text) };
    }

    private static string Part(string text, int length, bool keepEnd) => keepEnd ? text[^length..] : text[..length];
}
