using AgentOS.Scheduling;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Kernel;

/// <summary>
/// The storage queue's cost unit for SJF: bytes moved. Every operation costs one page of fixed work, and a write also
/// its payload, so small writes and reads go ahead of large writes. (A read's size is not known before it runs, short
/// of asking the backend on the dispatcher thread.) The caller's hint wins when given. The estimate is stamped on the
/// ticket so the queue's statistics and events show what the policy saw.
/// </summary>
internal sealed class StorageCostEstimator : ICostEstimator<Syscall>
{
    /// <summary>What an operation without a payload of its own is taken to move.</summary>
    public const double PageBytes = 4096;

    public double Estimate(Syscall item)
    {
        if (item.Ticket.EstimatedCost > 0)
        {
            return item.Ticket.EstimatedCost;
        }
        var query = item.Request.Storage!;
        double cost = PageBytes + (query.Operation == StorageOperation.Write ? query.Data?.Length ?? 0 : 0);
        item.Ticket.EstimatedCost = cost;
        return cost;
    }
}
