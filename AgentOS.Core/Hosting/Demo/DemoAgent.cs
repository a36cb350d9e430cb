using AgentOS.Sdk;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Hosting.Demo;

/// <summary>
/// One demo agent: notes its task in memory, answers with the LLM (the trace request's lengths), checks a figure
/// with a tool, saves the answer to storage, summarizes it with a second, short LLM call, and searches its memory.
/// Two call sites (<see cref="AnswerAsync"/>, <see cref="SummarizeAsync"/>) with different typical lengths: what
/// the kernel's output-length estimator learns from.
/// </summary>
internal sealed class DemoAgent(DemoRequest request, DemoStats stats, TimeProvider time, DateTimeOffset runStart) : Agent
{
    public override async Task<string> RunAsync(AgentContext context, string input, CancellationToken cancellationToken = default)
    {
        var arrived = time.GetUtcNow();
        stats.Arrive();
        try
        {
            await context.Memory.AddAsync($"task {request.Index}: {request.InputTokens} tokens in, {request.OutputTokens} out", ["task"], cancellationToken: cancellationToken).ConfigureAwait(false);
            var answer = await AnswerAsync(context, cancellationToken).ConfigureAwait(false);
            stats.Sample(request.Index, request.Prompt.Length <= 200 ? request.Prompt + answer.Content : answer.Content);
            var check = await context.Action.CallAsync("math.add", $$"""{"a":{{request.Index}},"b":{{answer.CompletionTokens}}}""", cancellationToken: cancellationToken).ConfigureAwait(false);
            await context.Storage.WriteTextAsync(context.Storage.Own("answer.txt"), answer.Content, cancellationToken: cancellationToken).ConfigureAwait(false);
            var summary = await SummarizeAsync(context, answer.Content, cancellationToken).ConfigureAwait(false);
            await context.Memory.SearchAsync("task", limit: 3, cancellationToken: cancellationToken).ConfigureAwait(false);
            var finished = time.GetUtcNow();
            stats.Complete(request.Index, (finished - arrived).TotalSeconds, (finished - runStart).TotalSeconds);
            return $"{summary.Content} (check {check.Output})";
        }
        catch (Exception ex)
        {
            stats.Fail(ex);
            throw;
        }
    }

    private async Task<LlmResponse> AnswerAsync(AgentContext context, CancellationToken cancellationToken)
    {
        var asked = time.GetUtcNow();
        var options = new SyscallOptions(Priority: request.Priority, Deadline: request.Slo is { } slo ? asked + slo : null);
        var answer = await context.Planning.QueryAsync(new LlmQuery { Messages = [ChatMessage.User(request.Prompt)], MaxTokens = request.AnswerTokens }, options, cancellationToken).ConfigureAwait(false);
        stats.LlmCall((time.GetUtcNow() - asked).TotalSeconds);
        return answer;
    }

    private async Task<LlmResponse> SummarizeAsync(AgentContext context, string answer, CancellationToken cancellationToken)
    {
        var asked = time.GetUtcNow();
        string text = answer.Length > 200 ? answer[..200] : answer;
        var summary = await context.Planning.QueryAsync(new LlmQuery { Messages = [ChatMessage.User("In one line: " + text)], MaxTokens = request.SummaryTokens },
            new SyscallOptions(Priority: request.Priority, Deadline: request.Slo is { } slo ? asked + slo : null), cancellationToken).ConfigureAwait(false);
        stats.LlmCall((time.GetUtcNow() - asked).TotalSeconds);
        return summary;
    }
}
