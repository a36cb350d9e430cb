using AgentOS.Context;
using AgentOS.Scheduling;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Llm;

/// <summary>
/// Runs LLM syscalls on the backend the router chose when they were submitted (the access request's target), gates
/// their start on that backend's rate limiter, and turns a backend's Retry-After into a hold on its limiter.
/// </summary>
internal sealed partial class LlmManager : SyscallExecutor
{
    private readonly GenerationStore? _store;
    private readonly ContextManager? _contexts;

    public LlmManager(LlmRouter router, GenerationStore? store = null, LlmCostEstimator? estimator = null, ContextManager? contexts = null)
    {
        Router = router;
        _store = store;
        Estimator = estimator;
        _contexts = contexts;
    }

    public LlmRouter Router { get; }

    // Learns output lengths from finished generations, for the LLM queue's shortest-job-first.
    public LlmCostEstimator? Estimator { get; }

    // Told of every generation that finished (its response) or failed (null), with its backend: what the self-improving
    // loop learns from. Set once by the kernel; null costs one read per call.
    public Action<Syscall, LlmResponse?, string>? CallEnded { get; set; }

    /// <summary>The LLM queue's concurrency group of a syscall: its backend, so each backend keeps to its own slots.</summary>
    public static string BackendOf(Syscall syscall) => syscall.Access.Target!;

    /// <summary>The LLM queue's start gate: how long the syscall's backend must wait before it may start
    /// (rate limits, Retry-After), zero to start now.</summary>
    public TimeSpan Gate(Syscall syscall)
    {
        // A backend marked down runs nothing: its queued syscalls start at once, so they fail fast (and the Reactor's
        // failover moves them) instead of waiting out a hold or a rate limit on a backend that will not serve them.
        if (Router.IsDown(BackendOf(syscall)))
        {
            syscall.RateCharge = -1;
            return TimeSpan.Zero;
        }
        var wait = Router.Limiter(BackendOf(syscall)).TryStart(syscall.Access.EstimatedTokens, out long charge);
        syscall.RateCharge = charge;
        return wait;
    }

    // Pieces go to the caller's sink as they come (the sink is unbounded: a slow reader never stalls the slot); service
    // is reported per piece, so a preemptive policy sees the generation progress.
    private static async Task<LlmResponse> StreamAsync(ILlmBackend backend, LlmQuery query, System.Threading.Channels.ChannelWriter<string> sink, ExecutionSlot<Syscall> slot, CancellationToken cancellationToken)
    {
        var text = new System.Text.StringBuilder();
        int pieces = 0;
        await foreach (var item in backend.StreamAsync(query, cancellationToken).ConfigureAwait(false))
        {
            if (item.Final is { } final)
            {
                return final;
            }
            if (item.Delta is { Length: > 0 } delta)
            {
                text.Append(delta);
                sink.TryWrite(delta);
                slot.ReportService(1);
                pieces++;
            }
        }
        return new LlmResponse { Content = text.ToString(), CompletionTokens = pieces, Backend = backend.Name };
    }

    /// <summary>Watches whole-answer runs to give up a stuck one (the Reactor's failover), or <see langword="null"/>.</summary>
    public ILlmRunWatch? RunWatch { get; set; }

    // A whole-answer run the watch may give up: its own token, cancelled by the watch, ends it as a backend failure
    // (no answer within the patience), which the recovery then moves to another backend.
    private static async Task<LlmResponse> GenerateWatchedAsync(ILlmRunWatch watch, ILlmBackend backend, LlmQuery query, Syscall syscall)
    {
        using var run = CancellationTokenSource.CreateLinkedTokenSource(syscall.RunToken);
        int gaveUp = 0;
        using var timer = watch.Watch(syscall, backend.Name, () =>
        {
            Volatile.Write(ref gaveUp, 1);
            try
            {
                run.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // the run ended as the watch fired
            }
        });
        try
        {
            return backend is IAgentAwareLlmBackend aware
                ? await aware.GenerateAsync(query, syscall.Request.AgentId, run.Token).ConfigureAwait(false)
                : await backend.GenerateAsync(query, run.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (Volatile.Read(ref gaveUp) == 1 && !syscall.RunToken.IsCancellationRequested)
        {
            throw new BackendFailedException($"The LLM backend '{backend.Name}' gave no answer within {watch.Patience.TotalMilliseconds:0} ms (reactor.failover.move_after_ms); the run was given up to move the call to another backend that serves its model.", ex);
        }
    }

    protected override async ValueTask ExecuteAsync(ExecutionSlot<Syscall> slot)
    {
        var syscall = slot.Item;
        string name = BackendOf(syscall);
        var backend = Router.Get(name);
        var limiter = Router.Limiter(name);
        int reserved = syscall.Access.EstimatedTokens;
        if (Router.IsDown(name))
        {
            limiter.Record(syscall.RateCharge, -reserved);
            throw new BackendFailedException($"The LLM backend '{name}' was marked down while this syscall waited for it; submit it again to route it to a backend that is up.");
        }
        bool switchable = CanSwitch(backend);
        LlmResponse response;
        try
        {
            // Checked here, not inside: the plain round trip must not pay for conversation turns it does not make.
            var asked = syscall.Request.Llm!;
            var turn = IsConversationTurn(asked) ? await PrepareTurnAsync(backend, syscall, asked, syscall.RunToken).ConfigureAwait(false) : asked;
            var query = await FitWindowAsync(backend, turn, syscall.RunToken).ConfigureAwait(false);
            if (switchable)
            {
                if (await RunSwitchableAsync(slot, backend, syscall, query).ConfigureAwait(false) is not { } finished)
                {
                    // Suspended: this run's reservation is returned; the resumed run reserves again and the finished
                    // one records the whole answer's tokens.
                    limiter.Record(syscall.RateCharge, -reserved);
                    await SuspendTurnAsync(syscall, (GenerationSnapshot)syscall.YieldState!).ConfigureAwait(false);
                    return;
                }
                response = finished;
            }
            else if (syscall.Request.StreamTo is { } sink)
            {
                response = await StreamAsync(backend, query, sink, slot, syscall.RunToken).ConfigureAwait(false);
            }
            else if (RunWatch is { } watch)
            {
                response = await GenerateWatchedAsync(watch, backend, query, syscall).ConfigureAwait(false);
            }
            else
            {
                var pending = backend is IAgentAwareLlmBackend aware ? aware.GenerateAsync(query, syscall.Request.AgentId, syscall.RunToken) : backend.GenerateAsync(query, syscall.RunToken);
                response = pending.IsCompletedSuccessfully ? pending.Result : await pending.ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            // A refused or failed request used no tokens we know of; a Retry-After holds the backend's queue until then.
            // Its conversation is left as it was.
            limiter.Record(syscall.RateCharge, -reserved);
            if (IsConversationTurn(syscall.Request.Llm!))
            {
                AbandonTurn(syscall);
            }
            if (ex is RateLimitedException { RetryAfter: { } wait })
            {
                limiter.HoldFor(wait);
            }
            if (ex is not OperationCanceledException)
            {
                CallEnded?.Invoke(syscall, null, name);
            }
            throw;
        }
        if (IsConversationTurn(syscall.Request.Llm!))
        {
            await CommitTurnAsync(syscall, response).ConfigureAwait(false);
        }
        syscall.TokensUsed = response.PromptTokens + response.CompletionTokens;
        limiter.Record(syscall.RateCharge, syscall.TokensUsed - reserved);
        Estimator?.Observe(syscall.Request.AgentId, syscall.Request.Llm!.CallSite ?? "", response.CompletionTokens);
        CallEnded?.Invoke(syscall, response, name);
        if (syscall.Request.StreamTo is null && !switchable)
        {
            slot.ReportService(response.CompletionTokens);
        }
        syscall.Record(new SyscallResponse { SyscallId = syscall.Id, Llm = response });
    }
}
