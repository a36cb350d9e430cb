using AgentOS.Scheduling;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;

namespace AgentOS.Llm;

/// <summary>Runs LLM syscalls on the backend each names (or the default one).</summary>
internal sealed class LlmManager : SyscallExecutor
{
    private readonly Dictionary<string, ILlmBackend> _backends;

    public LlmManager(IReadOnlyList<ILlmBackend> backends)
    {
        if (backends.Count == 0)
        {
            throw new ArgumentException("The kernel needs at least one LLM backend.", nameof(backends));
        }
        _backends = backends.ToDictionary(b => b.Name, StringComparer.Ordinal);
        Default = backends[0];
    }

    public ILlmBackend Default { get; }

    public IEnumerable<string> BackendNames => _backends.Keys;

    public ILlmBackend Resolve(string? name) =>
        name is null ? Default
        : _backends.TryGetValue(name, out var backend) ? backend
        : throw new InvalidRequestException($"No LLM backend is named '{name}'. Configured: {string.Join(", ", _backends.Keys)}.");

    protected override async ValueTask ExecuteAsync(ExecutionSlot<Syscall> slot)
    {
        var syscall = slot.Item;
        var query = syscall.Request.Llm!;
        var pending = Resolve(query.Backend).GenerateAsync(query, syscall.RunToken);
        var response = pending.IsCompletedSuccessfully ? pending.Result : await pending.ConfigureAwait(false);
        syscall.TokensUsed = response.PromptTokens + response.CompletionTokens;
        slot.ReportService(response.CompletionTokens);
        syscall.Record(new SyscallResponse { SyscallId = syscall.Id, Llm = response });
    }
}
