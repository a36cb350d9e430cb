using AgentOS.Scheduling;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Memory;

/// <summary>
/// Runs memory syscalls against the store. Whose memory a single-owner query may touch was settled by the access
/// check; a search over several owners (<see cref="MemoryQuery.Owners"/>) is narrowed here, before ranking, to the
/// owners <paramref name="mayRead"/> allows.
/// </summary>
internal sealed class MemoryManager(IMemoryStore store, Func<string, string, bool> mayRead) : SyscallExecutor
{
    public IMemoryStore Store => store;

    protected override async ValueTask ExecuteAsync(ExecutionSlot<Syscall> slot)
    {
        var syscall = slot.Item;
        var query = syscall.Request.Memory!;
        string agent = syscall.Request.AgentId;
        string owner = query.Owner ?? agent;
        var token = syscall.RunToken;
        var response = query.Operation switch
        {
            MemoryOperation.Add => Single(await store.AddAsync(owner, Required(query.Content, "content"), query.Tags ?? [], query.Importance ?? 0, token).ConfigureAwait(false)),
            MemoryOperation.Get => Found(await store.FindAsync(owner, Required(query.Id, "id"), token).ConfigureAwait(false), query.Id!, owner),
            MemoryOperation.Update => Found(await store.UpdateAsync(owner, Required(query.Id, "id"), Required(query.Content, "content"), query.Tags ?? [], query.Importance, token).ConfigureAwait(false), query.Id!, owner),
            MemoryOperation.Remove => await store.RemoveAsync(owner, Required(query.Id, "id"), token).ConfigureAwait(false)
                ? new MemoryResponse { Id = query.Id }
                : throw new InvalidRequestException($"Memory of '{owner}' has no item '{query.Id}'."),
            MemoryOperation.Search => await SearchAsync(agent, owner, query, token).ConfigureAwait(false),
            _ => throw new InvalidRequestException($"Unknown memory operation {query.Operation}."),
        };
        syscall.Record(new SyscallResponse { SyscallId = syscall.Id, Memory = response });
    }

    private async ValueTask<MemoryResponse> SearchAsync(string agent, string owner, MemoryQuery query, CancellationToken token)
    {
        string text = Required(query.Text, "text");
        var mode = query.Mode?.ToLowerInvariant() switch
        {
            null or "" or "auto" => MemorySearchMode.Auto,
            "lexical" => MemorySearchMode.Lexical,
            "vector" => MemorySearchMode.Vector,
            "hybrid" => MemorySearchMode.Hybrid,
            _ => throw new InvalidRequestException($"Memory search mode '{query.Mode}' is unknown; use auto, lexical, vector or hybrid."),
        };
        List<string> owners = [owner];
        List<string>? excluded = null;
        if (query.Owners is { Count: > 0 } asked)
        {
            owners = [];
            foreach (string candidate in asked.Distinct(StringComparer.Ordinal))
            {
                (mayRead(agent, candidate) ? owners : excluded ??= []).Add(candidate);
            }
        }
        var result = await store.SearchAsync(owners, text, Math.Clamp(query.Limit, 1, 1000), mode, token).ConfigureAwait(false);
        return new MemoryResponse { Items = result.Items, Scores = result.Scores, Retrieval = result.Retrieval, Excluded = excluded };
    }

    private static MemoryResponse Single(MemoryItem item) => new() { Id = item.Id, Items = [item] };

    private static MemoryResponse Found(MemoryItem? item, string id, string owner) =>
        item is null ? throw new InvalidRequestException($"Memory of '{owner}' has no item '{id}'.") : Single(item);

    private static string Required(string? value, string field) =>
        value ?? throw new InvalidRequestException($"This memory operation needs '{field}'.");
}
