namespace AgentOS.Scheduling.Policies;

/// <summary>
/// The shape every built-in policy shares: a key per item in an <see cref="IndexedHeap{T}"/>, smallest first, ties
/// broken by a sequence (arrival order unless the policy says otherwise). A policy only says how to key an item.
/// </summary>
/// <typeparam name="T">The scheduled item.</typeparam>
public abstract class HeapPolicy<T> : ISchedulingPolicy<T> where T : class, ISchedulable
{
    private readonly IndexedHeap<T> _heap = new(64);

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public int Count => _heap.Count;

    /// <inheritdoc />
    public virtual TimeSpan? TimeSlice => null;

    /// <summary>The heap, for policies that look at the head (preemption checks).</summary>
    private protected IndexedHeap<T> Heap => _heap;

    /// <inheritdoc />
    public void Enqueue(T item, long nowTicks)
    {
        var ticket = item.Ticket;
        if (ticket.HeapHandle >= 0)
        {
            throw new InvalidOperationException("The item is already waiting in a policy; an item is enqueued once until it is dequeued or removed.");
        }
        ticket.HeapHandle = _heap.Push(item, Key(ticket, item, nowTicks), TieBreak(ticket));
    }

    /// <inheritdoc />
    public bool TryPeek(out T item) => _heap.TryPeek(out item, out _);

    /// <inheritdoc />
    public bool TryDequeue(long nowTicks, out T item)
    {
        if (!_heap.TryPeek(out item, out double key))
        {
            return false;
        }
        _heap.TryPop(out item);
        item.Ticket.HeapHandle = -1;
        OnDequeued(item, key);
        return true;
    }

    /// <inheritdoc />
    public bool Remove(T item)
    {
        int handle = item.Ticket.HeapHandle;
        if (handle < 0 || !_heap.Contains(handle) || !ReferenceEquals(_heap[handle], item))
        {
            return false;
        }
        _heap.Remove(handle);
        item.Ticket.HeapHandle = -1;
        return true;
    }

    /// <inheritdoc />
    public void DrainTo(Action<T> sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        while (_heap.TryPop(out var item))
        {
            item.Ticket.HeapHandle = -1;
            sink(item);
        }
    }

    /// <inheritdoc />
    public virtual double ServiceBudget(T item) => double.PositiveInfinity;

    /// <inheritdoc />
    public virtual bool ShouldPreempt(T running) => false;

    /// <inheritdoc />
    public void Dispose()
    {
        _heap.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The item's key: smaller runs earlier.</summary>
    protected abstract double Key(SchedulingTicket ticket, T item, long nowTicks);

    /// <summary>Orders items with equal keys: arrival order by default.</summary>
    protected virtual long TieBreak(SchedulingTicket ticket) => ticket.ArrivalSequence;

    /// <summary>Called with the key an item had when it was chosen.</summary>
    protected virtual void OnDequeued(T item, double key)
    {
    }
}
