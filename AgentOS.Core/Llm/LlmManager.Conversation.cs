using System.Runtime.CompilerServices;
using AgentOS.Context;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Llm;

// Kernel-kept conversations. A query with a ContextId and AppendToContext carries only the turn's new messages (the
// user's prompt, tool results); the kernel sends the stored conversation plus them, fitted to the serving backend's
// window by the configured strategy, and once the answer is back appends the new messages and the answer and writes
// the conversation to storage. A failed turn changes nothing. The conversation's turn lock is held only to read and to
// commit, never across a generation: a preempted turn must not block its slot's next occupant.
internal sealed partial class LlmManager
{
    // The turn as first prepared, reused when a preempted generation resumes, so it continues the same query. Syscall
    // envelopes are pooled: an entry counts only for the syscall id it was made for (a cancelled turn's entry is then
    // stale, never wrongly reused, and replaced when its envelope carries the next turn).
    private readonly ConditionalWeakTable<Syscall, PreparedTurn> _turns = [];

    private sealed record PreparedTurn(long SyscallId, LlmQuery Query, IReadOnlyList<ContextMessage> Added, IReadOnlyList<ContextMessage> Fitted, bool Summarized);

    private static bool IsConversationTurn(LlmQuery query) => query is { AppendToContext: true, ContextId: not null };

    private async ValueTask<LlmQuery> PrepareTurnAsync(ILlmBackend backend, Syscall syscall, LlmQuery query, CancellationToken cancellationToken)
    {
        if (_contexts is null || !IsConversationTurn(query))
        {
            return query;
        }
        if (_turns.TryGetValue(syscall, out var prepared) && prepared.SyscallId == syscall.Id)
        {
            return prepared.Query;
        }
        var added = query.Messages.Select(m => new ContextMessage(m.Role, m.Content, EstimateTokens(m.Content)) { Origin = m }).ToList();
        List<ContextMessage> all;
        using (var turn = await _contexts.BeginTurnAsync(syscall.Request.AgentId, query.ContextId!, cancellationToken).ConfigureAwait(false))
        {
            all = [.. turn.Context.Messages, .. added];
        }
        int window = backend.Capabilities.MaxContextTokens is { } max && max > 1 ? max : int.MaxValue;
        int budget = window == int.MaxValue ? int.MaxValue : window - Math.Clamp(query.MaxTokens, 1, window / 2);
        var strategy = _contexts.StrategyName == "summarize"
            ? new SummarizeOldestTurns((dropped, token) => SummarizeAsync(backend, dropped, token))
            : (IContextWindowStrategy)TruncateOldestTurns.Instance;
        var fitted = await strategy.FitAsync(all, budget, EstimateTokens, cancellationToken).ConfigureAwait(false);
        var messages = fitted.Select(m => m.Origin as ChatMessage is { } original && original.Content == m.Content ? original : new ChatMessage(m.Role, m.Content)).ToList();
        var sent = Copy(query, messages, query.MaxTokens);
        // Truncation only chooses what to send (the stored conversation keeps every turn); a summary replaces what it
        // summarized.
        bool summarized = strategy is SummarizeOldestTurns && !ReferenceEquals(fitted, all);
        _turns.AddOrUpdate(syscall, new PreparedTurn(syscall.Id, sent, added, fitted, summarized));
        return sent;
    }

    private async ValueTask SuspendTurnAsync(Syscall syscall, GenerationSnapshot snapshot)
    {
        if (_contexts is null || !IsConversationTurn(syscall.Request.Llm!))
        {
            return;
        }
        using var turn = await _contexts.BeginTurnAsync(syscall.Request.AgentId, syscall.Request.Llm!.ContextId!, syscall.RunToken).ConfigureAwait(false);
        turn.Context.Pending = snapshot;
    }

    private async ValueTask CommitTurnAsync(Syscall syscall, LlmResponse response)
    {
        if (_contexts is null || !_turns.TryGetValue(syscall, out var prepared) || prepared.SyscallId != syscall.Id)
        {
            return;
        }
        _turns.Remove(syscall);
        using var turn = await _contexts.BeginTurnAsync(syscall.Request.AgentId, syscall.Request.Llm!.ContextId!, syscall.RunToken).ConfigureAwait(false);
        var context = turn.Context;
        if (prepared.Summarized)
        {
            context.Replace(prepared.Fitted);
        }
        else
        {
            foreach (var message in prepared.Added)
            {
                context.Append(message.Role, message.Content);
            }
        }
        context.LastPrompt = [.. prepared.Fitted.Select(m => m with { Origin = null })];
        context.RecordAnswer(response.Content, response.PromptTokens, response.CompletionTokens);
        await turn.SaveAsync(syscall.RunToken).ConfigureAwait(false);
    }

    private void AbandonTurn(Syscall syscall) => _turns.Remove(syscall);

    // The summary is written by the backend serving the turn (in the slot the turn already holds). A backend that
    // cannot (an error, an empty answer) leaves a deterministic digest instead: a summary is never a reason to fail.
    private static async ValueTask<string> SummarizeAsync(ILlmBackend backend, IReadOnlyList<ContextMessage> dropped, CancellationToken cancellationToken)
    {
        var digest = SummarizeOldestTurns.Digest(dropped);
        try
        {
            var query = new LlmQuery
            {
                Messages = [ChatMessage.System("Summarize this conversation in a few sentences, keeping names, facts and decisions."), ChatMessage.User(digest)],
                MaxTokens = 128,
            };
            var fitted = await FitWindowAsync(backend, query, cancellationToken).ConfigureAwait(false);
            var answer = await backend.GenerateAsync(fitted, cancellationToken).ConfigureAwait(false);
            return string.IsNullOrWhiteSpace(answer.Content) ? digest : answer.Content.Trim();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return digest;
        }
    }
}
