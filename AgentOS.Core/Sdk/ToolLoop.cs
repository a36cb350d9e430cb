using System.Globalization;
using System.Runtime.CompilerServices;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Sdk;

/// <summary>
/// The agent's tool loop: the model plans tool calls, the Action module runs the independent calls of a plan in
/// parallel (one syscall each, so every call is checked by the access manager, approved where irreversible, and held to
/// its tool's concurrency), and their results go back to the model as tool messages — until the model answers, or a
/// step, token or time limit stops it. A refused call, a failed one or one with malformed arguments is told to the
/// model as an error result and the loop goes on. Runs the same over an in-process or a remote port.
/// </summary>
/// <remarks>Errors of the model's own turns (its backend failed, the agent's LLM budget is spent, the kernel is
/// stopping) end the loop with that typed exception.</remarks>
public sealed class ToolLoop
{
    private readonly AgentContext _context;
    private readonly IReadOnlyList<ToolSpec> _tools;
    private readonly ToolLoopOptions _options;

    /// <summary>A loop for <paramref name="context"/>'s agent offering the model <paramref name="tools"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit below 1.</exception>
    public ToolLoop(AgentContext context, IReadOnlyList<ToolSpec> tools, ToolLoopOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(tools);
        options ??= new ToolLoopOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxSteps, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxTokensPerTurn, 1, nameof(options));
        if (options.TimeLimit is { } limit)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(limit, TimeSpan.Zero, nameof(options));
        }
        _context = context;
        _tools = tools;
        _options = options;
    }

    /// <summary>Runs the loop on <paramref name="input"/> to its end.</summary>
    public async Task<ToolLoopResult> RunAsync(string input, CancellationToken cancellationToken = default)
    {
        var messages = new List<ChatMessage>();
        var steps = new List<ToolLoopStep>();
        await foreach (var step in StreamAsync(input, messages, cancellationToken).ConfigureAwait(false))
        {
            steps.Add(step);
        }
        var last = steps[^1];
        string answer = steps.LastOrDefault(s => s.Plan is not null)?.Plan!.Content ?? "";
        return new ToolLoopResult(last.Outcome!.Value, answer, steps, messages);
    }

    /// <summary>Runs the loop on <paramref name="input"/>, yielding each step as it completes; the last one carries the
    /// outcome.</summary>
    public IAsyncEnumerable<ToolLoopStep> StreamAsync(string input, CancellationToken cancellationToken = default) =>
        StreamAsync(input, [], cancellationToken);

    private async IAsyncEnumerable<ToolLoopStep> StreamAsync(string input, List<ChatMessage> messages, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (_options.Instructions is { } instructions)
        {
            messages.Add(ChatMessage.System(instructions));
        }
        messages.Add(ChatMessage.User(input));
        using var limit = _options.TimeLimit is { } time ? new CancellationTokenSource(time, _options.Time) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        string loopId = "loop_" + Guid.NewGuid().ToString("N")[..12];
        int tokens = 0;
        for (int number = 1; ; number++)
        {
            var step = await StepAsync(number, messages, tokens, linked.Token, limit.Token).ConfigureAwait(false);
            tokens = step.TotalTokens;
            _context.Events?.Publish(new ToolLoopEvent(_context.AgentId, loopId, number, step.Results.Count, step.Results.Count(r => r.IsError), tokens, step.Outcome, _options.Time.GetUtcNow()));
            yield return step;
            if (step.IsLast)
            {
                yield break;
            }
        }
    }

    private async Task<ToolLoopStep> StepAsync(int number, List<ChatMessage> messages, int tokens, CancellationToken token, CancellationToken timeLimit)
    {
        LlmResponse plan;
        try
        {
            token.ThrowIfCancellationRequested();
            var query = new LlmQuery
            {
                Messages = [.. messages],
                Tools = _tools.Count > 0 ? _tools : null,
                MaxTokens = _options.MaxTokensPerTurn,
                Backend = _options.Backend,
                CallSite = _options.CallSite,
            };
            plan = await _context.Planning.QueryAsync(query, _options.Syscall, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeLimit.IsCancellationRequested)
        {
            return new ToolLoopStep(number, null, [], tokens, ToolLoopOutcome.TimeLimit);
        }
        tokens += plan.PromptTokens + plan.CompletionTokens;
        var calls = Identified(plan.ToolCalls, number);
        messages.Add(new ChatMessage("assistant", plan.Content) { ToolCalls = calls.Count > 0 ? calls : null });
        ToolLoopOutcome? stop = calls.Count == 0 ? ToolLoopOutcome.Answered
            : number >= _options.MaxSteps ? ToolLoopOutcome.StepLimit
            : tokens >= _options.MaxTotalTokens ? ToolLoopOutcome.TokenLimit
            : null;
        if (stop is not null)
        {
            return new ToolLoopStep(number, plan, [], tokens, stop);
        }
        IReadOnlyList<ToolResult> results;
        try
        {
            results = await _context.Action.RunPlanAsync(calls, _options.Syscall, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeLimit.IsCancellationRequested)
        {
            return new ToolLoopStep(number, plan, [], tokens, ToolLoopOutcome.TimeLimit);
        }
        foreach (var result in results)
        {
            messages.Add(new ChatMessage("tool", ForModel(result)) { ToolCallId = result.Id });
        }
        return new ToolLoopStep(number, plan, results, tokens);
    }

    // Every call gets an id (a model's own, or one made here) so its result can answer it.
    private static List<ToolCall> Identified(IReadOnlyList<ToolCall> calls, int step) =>
        [.. calls.Select((call, i) => call.Id is { Length: > 0 } ? call : call with { Id = string.Create(CultureInfo.InvariantCulture, $"call_{step}_{i}") })];

    /// <summary>A tool result as the text of a tool message: its output (or its structured value when it wrote no text),
    /// its text pieces, a note for each image or file (a text model cannot read their bytes), and "Error: " first when
    /// the call failed.</summary>
    public static string ForModel(ToolResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = new System.Text.StringBuilder(result.Output.Length == 0 && result.Structured is { } structured ? structured.GetRawText() : result.Output);
        foreach (var piece in result.Content ?? [])
        {
            text.Append(text.Length > 0 ? "\n" : "");
            text.Append(piece.Type == "text"
                ? piece.Text
                : string.Create(CultureInfo.InvariantCulture, $"[{piece.Type} {piece.Name ?? ""} {piece.MimeType}: {(piece.Data?.Length ?? 0) * 3 / 4} bytes, not shown]"));
        }
        return result.IsError ? "Error: " + text : text.ToString();
    }
}
