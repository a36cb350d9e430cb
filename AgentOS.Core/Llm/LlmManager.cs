using AgentOS.Scheduling;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Llm;

/// <summary>Runs LLM syscalls on the backend each names (or the default one).</summary>
internal sealed class LlmManager : SyscallExecutor
{
    private readonly Dictionary<string, ILlmBackend> _backends;

    public LlmManager(IReadOnlyList<ILlmBackend> backends, LlmCostEstimator? estimator = null)
    {
        Estimator = estimator;
        if (backends.Count == 0)
        {
            throw new ArgumentException("The kernel needs at least one LLM backend.", nameof(backends));
        }
        _backends = backends.ToDictionary(b => b.Name, StringComparer.Ordinal);
        Default = backends[0];
    }

    public ILlmBackend Default { get; }

    // Learns output lengths from finished generations, for the LLM queue's shortest-job-first.
    public LlmCostEstimator? Estimator { get; }

    public IEnumerable<string> BackendNames => _backends.Keys;

    public ILlmBackend Resolve(string? name) =>
        name is null ? Default
        : _backends.TryGetValue(name, out var backend) ? backend
        : throw new InvalidRequestException($"No LLM backend is named '{name}'. Configured: {string.Join(", ", _backends.Keys)}.");

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

    protected override async ValueTask ExecuteAsync(ExecutionSlot<Syscall> slot)
    {
        var syscall = slot.Item;
        var query = syscall.Request.Llm!;
        var backend = Resolve(query.Backend);
        LlmResponse response;
        if (syscall.Request.StreamTo is { } sink)
        {
            response = await StreamAsync(backend, query, sink, slot, syscall.RunToken).ConfigureAwait(false);
        }
        else
        {
            var pending = backend.GenerateAsync(query, syscall.RunToken);
            response = pending.IsCompletedSuccessfully ? pending.Result : await pending.ConfigureAwait(false);
        }
        syscall.TokensUsed = response.PromptTokens + response.CompletionTokens;
        Estimator?.Observe(syscall.Request.AgentId, query.CallSite ?? "", response.CompletionTokens);
        if (syscall.Request.StreamTo is null)
        {
            slot.ReportService(response.CompletionTokens);
        }
        syscall.Record(new SyscallResponse { SyscallId = syscall.Id, Llm = response });
    }
}
