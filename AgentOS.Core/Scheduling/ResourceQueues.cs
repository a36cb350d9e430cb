using AgentOS.Scheduling.Policies;

namespace AgentOS.Scheduling;

/// <summary>
/// The kernel's four queues as configurations of <see cref="ResourceQueue{T}"/>: each sets the defaults its resource
/// needs and asks for what only the resource's manager can say (which storage operations batch, which tool an item
/// calls). Every default can be overridden with a <c>with</c>-style object initializer on the returned options.
/// </summary>
public static class ResourceQueues
{
    /// <summary>The LLM queue: one slot per generation slot of the backend; FIFO until a learned policy is chosen.
    /// Cost unit: tokens.</summary>
    public static ResourceQueueOptions<T> Llm<T>(int slots, ISchedulingPolicy<T>? policy = null, TimeProvider? time = null) where T : class, ISchedulable =>
        new()
        {
            Name = "llm",
            Slots = slots,
            Policy = policy ?? new FifoPolicy<T>(),
            TimeProvider = time ?? TimeProvider.System,
        };

    /// <summary>The memory queue: shortest job first by the estimated items scanned or bytes moved, with deadlines
    /// reported (EDF and RR are the alternatives).</summary>
    public static ResourceQueueOptions<T> Memory<T>(int slots, ISchedulingPolicy<T>? policy = null, TimeProvider? time = null) where T : class, ISchedulable =>
        new()
        {
            Name = "memory",
            Slots = slots,
            Policy = policy ?? new ShortestJobFirstPolicy<T>(),
            TimeProvider = time ?? TimeProvider.System,
        };

    /// <summary>
    /// The storage queue: shortest job first (cost: bytes), and a slot takes a batch of up to <paramref name="maxBatch"/>
    /// compatible operations at once so the storage manager commits them with one fsync.
    /// </summary>
    public static ResourceQueueOptions<T> Storage<T>(int slots, Func<T, T, bool> batchCompatible, int maxBatch = 256, ISchedulingPolicy<T>? policy = null, TimeProvider? time = null)
        where T : class, ISchedulable
    {
        ArgumentNullException.ThrowIfNull(batchCompatible);
        return new()
        {
            Name = "storage",
            Slots = slots,
            MaxBatch = maxBatch,
            BatchCompatible = batchCompatible,
            HelpDispatch = false, // its executor fsyncs: never on a submitter's thread
            Policy = policy ?? new ShortestJobFirstPolicy<T>(),
            TimeProvider = time ?? TimeProvider.System,
        };
    }

    /// <summary>
    /// The tool queue: many slots, FIFO, and a concurrency limit per tool (or sandbox) named by
    /// <paramref name="toolOf"/> — a slow tool holds back only its own calls, never the others (AIOS runs every tool
    /// call behind one global lock).
    /// </summary>
    public static ResourceQueueOptions<T> Tool<T>(int slots, Func<T, string?> toolOf, Func<string, int> limitOf, ISchedulingPolicy<T>? policy = null, TimeProvider? time = null)
        where T : class, ISchedulable
    {
        ArgumentNullException.ThrowIfNull(toolOf);
        ArgumentNullException.ThrowIfNull(limitOf);
        return new()
        {
            Name = "tool",
            Slots = slots,
            ConcurrencyKey = toolOf,
            ConcurrencyLimit = limitOf,
            Policy = policy ?? new FifoPolicy<T>(),
            TimeProvider = time ?? TimeProvider.System,
        };
    }
}
