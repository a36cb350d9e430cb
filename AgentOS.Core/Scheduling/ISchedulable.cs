namespace AgentOS.Scheduling;

/// <summary>
/// An item a resource queue can schedule. The item carries its own <see cref="SchedulingTicket"/>, so a
/// pooled item (the kernel's syscall envelope) is scheduled without any allocation per enqueue.
/// </summary>
public interface ISchedulable
{
    /// <summary>The item's scheduling inputs (priority, deadline, cost hint, flow) and the state the queue keeps on it.</summary>
    SchedulingTicket Ticket { get; }
}
