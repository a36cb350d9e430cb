using System.Collections.Concurrent;

namespace AgentOS.Syscalls;

/// <summary>
/// The pool of syscall envelopes. A <see cref="ConcurrentQueue{T}"/> underneath: lock-free, and allocation-free once
/// its segment has grown to the number of envelopes in circulation (it then cycles through the same segment).
/// Renting from an empty pool creates an envelope, so the pool holds at most the peak number of syscalls in flight.
/// </summary>
internal sealed class SyscallPool
{
    private readonly ConcurrentQueue<Syscall> _free = new();

    public Syscall Rent() => _free.TryDequeue(out var item) ? item : new Syscall(this);

    public void Return(Syscall item) => _free.Enqueue(item);
}
