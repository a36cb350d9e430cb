using AgentOS.Scheduling;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Memory;

/// <summary>Runs memory syscalls against the store; whose memory a query may touch was settled by the access check.</summary>
internal sealed class MemoryManager(IMemoryStore store) : SyscallExecutor
{
    protected override ValueTask ExecuteAsync(ExecutionSlot<Syscall> slot)
    {
        var syscall = slot.Item;
        var query = syscall.Request.Memory!;
        string owner = query.Owner ?? syscall.Request.AgentId;
        var response = query.Operation switch
        {
            MemoryOperation.Add => Added(store.Add(owner, Required(query.Content, "content"), query.Tags ?? [])),
            MemoryOperation.Get => Found(store.Find(owner, Required(query.Id, "id")), query.Id!, owner),
            MemoryOperation.Update => Found(store.Update(owner, Required(query.Id, "id"), Required(query.Content, "content"), query.Tags ?? []), query.Id!, owner),
            MemoryOperation.Remove => store.Remove(owner, Required(query.Id, "id"))
                ? new MemoryResponse { Id = query.Id }
                : throw new InvalidRequestException($"Memory of '{owner}' has no item '{query.Id}'."),
            MemoryOperation.Search => new MemoryResponse { Items = store.Search(owner, Required(query.Text, "text"), Math.Clamp(query.Limit, 1, 1000)) },
            _ => throw new InvalidRequestException($"Unknown memory operation {query.Operation}."),
        };
        syscall.Record(new SyscallResponse { SyscallId = syscall.Id, Memory = response });
        return ValueTask.CompletedTask;
    }

    private static MemoryResponse Added(MemoryItem item) => new() { Id = item.Id, Items = [item] };

    private static MemoryResponse Found(MemoryItem? item, string id, string owner) =>
        item is null ? throw new InvalidRequestException($"Memory of '{owner}' has no item '{id}'.") : new MemoryResponse { Id = item.Id, Items = [item] };

    private static string Required(string? value, string field) =>
        value ?? throw new InvalidRequestException($"This memory operation needs '{field}'.");
}
