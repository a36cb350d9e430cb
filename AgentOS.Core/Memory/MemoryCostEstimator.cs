using AgentOS.Scheduling;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Memory;

/// <summary>
/// The memory queue's cost unit for SJF: items touched. Add, Get, Update and Remove touch one item (plus one per 4 KiB
/// of text written); a search scans every item of the memories it covers. The caller's hint
/// (<see cref="SyscallRequest.EstimatedCost"/>) wins when given. The estimate is stamped on the ticket so the
/// queue's statistics and events show what the policy saw.
/// </summary>
internal sealed class MemoryCostEstimator(IMemoryStore store) : ICostEstimator<Syscall>
{
    public double Estimate(Syscall item)
    {
        if (item.Ticket.EstimatedCost > 0)
        {
            return item.Ticket.EstimatedCost;
        }
        double cost = Of(item.Request.Memory!, item.Request.AgentId);
        item.Ticket.EstimatedCost = cost;
        return cost;
    }

    public double Of(MemoryQuery query, string agentId)
    {
        if (query.Operation != MemoryOperation.Search)
        {
            return 1 + (query.Content?.Length ?? 0) / 4096;
        }
        if (query.Owners is { } owners)
        {
            long items = 0;
            foreach (string owner in owners)
            {
                items += store.CountItems(owner);
            }
            return Math.Max(1, items);
        }
        return Math.Max(1, store.CountItems(query.Owner ?? agentId));
    }
}
