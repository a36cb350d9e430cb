using AgentOS.Reactor;

namespace AgentOS.Kernel;

// The Reactor's wiring: it subscribes to the kernel's bus and takes the syscall router's recovery seam.
public sealed partial class AgentKernel
{
    // The storage manager, whose corrupt reads the Reactor repairs.
    private readonly StorageManager _storageManager;

    /// <summary>The Reactor (automatic repair), or <see langword="null"/> when <see cref="KernelOptions.Reactor"/> is unset.</summary>
    public ReactorEngine? Reactor { get; }

    private ReactorEngine? StartReactor(ReactorOptions? options)
    {
        if (options is not { Enabled: true })
        {
            return null;
        }
        var reactor = new ReactorEngine(options, Events, Time, _audit, Approver, Llm, () => _router.RetriesPending);
        _router.Recovery = reactor.Recovery;
        // Failover also routes new syscalls around a backend a Retry-After holds, to another that serves their model.
        Llm.RouteAroundHolds = reactor.Recovery.Failover.Enabled;
        if (reactor.Recovery.Failover.Enabled && reactor.Recovery.MoveAfter is not null)
        {
            _llm.RunWatch = reactor.Recovery;
        }
        if (reactor.Runaway.Enabled)
        {
            _router.Gate = reactor.Runaway;
        }
        if (reactor.StorageRepair.Enabled)
        {
            _storageManager.Repair = reactor.StorageRepair;
        }
        if (reactor.McpBreaker.Enabled)
        {
            Mcp.Guard = reactor.McpBreaker;
        }
        if (reactor.MemoryPressure.Enabled && _memory.Store is AgentOS.Memory.BlockMemoryStore store)
        {
            reactor.MemoryPressure.Attach(store);
            _memory.Pressure = reactor.MemoryPressure;
        }
        return reactor;
    }
}
