using System.Text;
using AgentOS.Context;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Llm;

// The context window, enforced before a query reaches a backend that declares one: the oldest turns go (system prompts
// and the newest message stay, cut if they must), and the answer budget shrinks to what is left, so an overlong
// conversation is answered instead of rejected by the server. The embedded backend fits its prompt itself, with its
// own tokenizer.
internal sealed partial class LlmManager
{
    // No tokenizer for remote models: about four characters per token in English, so a third of the UTF-8 bytes is a
    // safe over-estimate; each message costs a few tokens of framing.
    internal static int EstimateTokens(string text) => (Encoding.UTF8.GetByteCount(text) + 2) / 3 + 4;

    internal static async ValueTask<LlmQuery> FitWindowAsync(ILlmBackend backend, LlmQuery query, CancellationToken cancellationToken)
    {
        if (backend is IPreemptibleLlmBackend || backend.Capabilities.MaxContextTokens is not { } window || window <= 1 || window == int.MaxValue)
        {
            return query;
        }
        var messages = query.Messages.Select(m => new ContextMessage(m.Role, m.Content, EstimateTokens(m.Content)) { Origin = m }).ToList();
        int answer = Math.Clamp(query.MaxTokens, 1, Math.Max(1, window / 2));
        var fitted = await TruncateOldestTurns.Instance.FitAsync(messages, window - answer, EstimateTokens, cancellationToken).ConfigureAwait(false);
        int used = fitted.Sum(m => m.Tokens);
        int maxTokens = Math.Max(1, Math.Min(query.MaxTokens, window - used));
        if (ReferenceEquals(fitted, messages) && maxTokens == query.MaxTokens)
        {
            return query;
        }
        return Copy(query, [.. fitted.Select(m => m.Origin is ChatMessage original ? (original.Content == m.Content ? original : original with { Content = m.Content }) : new ChatMessage(m.Role, m.Content))], maxTokens);
    }

    // The query with other messages and answer budget, every other setting kept.
    private static LlmQuery Copy(LlmQuery query, IReadOnlyList<ChatMessage> messages, int maxTokens) => new()
    {
        Messages = messages,
        Tools = query.Tools,
        JsonOutput = query.JsonOutput,
        MaxTokens = maxTokens,
        Temperature = query.Temperature,
        Seed = query.Seed,
        Backend = query.Backend,
        ContextId = query.ContextId,
        AppendToContext = query.AppendToContext,
        CallSite = query.CallSite,
    };
}
