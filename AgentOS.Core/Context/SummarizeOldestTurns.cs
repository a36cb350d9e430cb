namespace AgentOS.Context;

/// <summary>
/// Replaces the oldest turns by a summary (written by the given summarizer, typically an LLM call) so the conversation
/// fits, keeping the system prompts and as many recent turns as fit beside the summary. When the summary itself does
/// not leave room, it falls back to truncation, so the result always fits.
/// </summary>
/// <param name="summarize">Writes a short summary of the turns it is given.</param>
public sealed class SummarizeOldestTurns(Func<IReadOnlyList<ContextMessage>, CancellationToken, ValueTask<string>> summarize) : IContextWindowStrategy
{
    private readonly Func<IReadOnlyList<ContextMessage>, CancellationToken, ValueTask<string>> _summarize = summarize ?? throw new ArgumentNullException(nameof(summarize));

    /// <summary>How every summary message begins (it marks the message as a summary).</summary>
    public const string Prefix = "Summary of the earlier conversation: ";

    /// <inheritdoc />
    public string Name => "summarize";

    private static bool IsSummary(ContextMessage message) => message.IsSystem && message.Content.StartsWith(Prefix, StringComparison.Ordinal);

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<ContextMessage>> FitAsync(IReadOnlyList<ContextMessage> messages, int budget, Func<string, int> count, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(count);
        if (messages.Sum(m => m.Tokens) <= budget)
        {
            return messages;
        }
        // An earlier summary is not a system prompt to keep forever: it is summarized again with the newly dropped
        // turns, so a long conversation carries one summary, not a growing pile of them.
        var earlier = messages.Where(IsSummary).ToList();
        var rest = earlier.Count == 0 ? messages : messages.Where(m => !IsSummary(m)).ToList();
        // Keep what truncation keeps; summarize what it dropped.
        var kept = TruncateOldestTurns.Fit(rest, budget, count);
        var dropped = earlier.Concat(rest.Where(m => !m.IsSystem && !kept.Any(k => ReferenceEquals(k, m)))).ToList();
        if (dropped.Count == 0 || (earlier.Count == 0 && ReferenceEquals(kept, rest)))
        {
            return kept;
        }
        var written = await _summarize(dropped, cancellationToken).ConfigureAwait(false);
        // The summary takes at most a third of the budget, so the recent turns keep most of the room.
        var text = TruncateOldestTurns.Cut(new ContextMessage("system", Prefix + written, count(Prefix + written)), Math.Max(1, budget / 3), count, keepEnd: false).Content;
        var summary = new ContextMessage("system", text, count(text));
        var withSummary = new List<ContextMessage>();
        withSummary.AddRange(kept.Where(m => m.IsSystem));
        withSummary.Add(summary);
        withSummary.AddRange(kept.Where(m => !m.IsSystem));
        // Recent turns make room for the summary if they must; as a last resort the summary is cut too.
        return TruncateOldestTurns.Fit(withSummary, budget, count);
    }

    /// <summary>
    /// A deterministic stand-in for a written summary: each dropped turn's role and beginning, one per line, about
    /// <paramref name="maxChars"/> characters in all. Used where no model can summarize (or it failed).
    /// </summary>
    public static string Digest(IReadOnlyList<ContextMessage> dropped, int maxChars = 600)
    {
        ArgumentNullException.ThrowIfNull(dropped);
        if (dropped.Count == 0)
        {
            return "";
        }
        int each = Math.Max(16, maxChars / dropped.Count);
        return string.Join('\n', dropped.Select(m => $"{m.Role}: {(m.Content.Length <= each ? m.Content : m.Content[..each] + "…")}"));
    }
}
