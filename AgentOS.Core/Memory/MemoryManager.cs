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

    /// <summary>Shown every add before it runs, to make room ahead of the quota (the Reactor), or <see langword="null"/>.</summary>
    public IMemoryPressure? Pressure { get; set; }

    /// <summary>Changes (add, update, remove) share a batch: the memory queue hands a run of them to one slot, each is
    /// applied in the queue's order and queues its log write, and they wait for durability together, so one sync of
    /// the storage backend acknowledges the whole run.</summary>
    public static bool Compatible(Syscall first, Syscall next) => IsChange(first) && IsChange(next);

    private static bool IsChange(Syscall syscall) =>
        syscall.Request.Memory!.Operation is MemoryOperation.Add or MemoryOperation.Update or MemoryOperation.Remove;

    protected override ValueTask ExecuteAsync(ExecutionSlot<Syscall> slot)
    {
        var batch = slot.Batch;
        if (batch.Length == 1)
        {
            return ExecuteOneAsync(batch[0]);
        }
        // Started in order (each applies its change before its first wait), awaited together.
        var running = new Task[batch.Length];
        for (int i = 0; i < running.Length; i++)
        {
            running[i] = ExecuteOneAsync(batch[i]).AsTask();
        }
        return new ValueTask(Task.WhenAll(running));
    }

    private async ValueTask ExecuteOneAsync(Syscall syscall)
    {
        try
        {
            syscall.Record(new SyscallResponse { SyscallId = syscall.Id, Memory = await RunAsync(syscall).ConfigureAwait(false) });
        }
        catch (SyscallException ex)
        {
            syscall.Record(ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            syscall.Record(new BackendFailedException($"The memory manager failed: {ex.Message}", ex));
        }
    }

    private async ValueTask<MemoryItem> AddAsync(string owner, MemoryQuery query, MemoryDurability durability, CancellationToken token)
    {
        string content = Required(query.Content, "content");
        var tags = query.Tags ?? [];
        if (Pressure is { } pressure)
        {
            await pressure.BeforeAddAsync(owner, content, tags, token).ConfigureAwait(false);
        }
        return await store.AddAsync(owner, content, tags, query.Importance ?? 0, durability, token).ConfigureAwait(false);
    }

    private async ValueTask<MemoryResponse> RunAsync(Syscall syscall)
    {
        var query = syscall.Request.Memory!;
        string agent = syscall.Request.AgentId;
        string owner = query.Owner ?? agent;
        var token = syscall.RunToken;
        var durability = Durability(query.Durability);
        bool durable = store.Durable && durability == MemoryDurability.Durable;
        return query.Operation switch
        {
            MemoryOperation.Add => Single(await AddAsync(owner, query, durability, token).ConfigureAwait(false), durable),
            MemoryOperation.Get => Found(await store.FindAsync(owner, Required(query.Id, "id"), token).ConfigureAwait(false), query.Id!, owner, null),
            MemoryOperation.Update => Found(await store.UpdateAsync(owner, Required(query.Id, "id"), Required(query.Content, "content"), query.Tags ?? [], query.Importance, durability, token).ConfigureAwait(false), query.Id!, owner, durable),
            MemoryOperation.Remove => await store.RemoveAsync(owner, Required(query.Id, "id"), durability, token).ConfigureAwait(false)
                ? new MemoryResponse { Id = query.Id, Durable = durable }
                : throw new InvalidRequestException($"Memory of '{owner}' has no item '{query.Id}'."),
            MemoryOperation.Search => await SearchAsync(agent, owner, query, token).ConfigureAwait(false),
            _ => throw new InvalidRequestException($"Unknown memory operation {query.Operation}."),
        };
    }

    private static MemoryDurability Durability(string? asked) => asked?.ToLowerInvariant() switch
    {
        null or "" or "durable" => MemoryDurability.Durable,
        "relaxed" => MemoryDurability.Relaxed,
        _ => throw new InvalidRequestException($"Memory 'durability' is '{asked}'; use 'durable' (the default: acknowledged once it survives a crash) or 'relaxed' (acknowledged sooner, may be lost in a crash)."),
    };

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

    private static MemoryResponse Single(MemoryItem item, bool? durable) => new() { Id = item.Id, Items = [item], Durable = durable };

    private static MemoryResponse Found(MemoryItem? item, string id, string owner, bool? durable) =>
        item is null ? throw new InvalidRequestException($"Memory of '{owner}' has no item '{id}'.") : Single(item, durable);

    private static string Required(string? value, string field) =>
        value ?? throw new InvalidRequestException($"This memory operation needs '{field}'.");
}
