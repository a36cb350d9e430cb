namespace AgentOS.Scheduling;

/// <summary>
/// One of a <see cref="ResourceQueue{T}"/>'s N execution slots, holding the item (or batch) it is running. The executor
/// reports service through it, checks <see cref="ShouldYield"/> at safe points, and ends the run with
/// <see cref="Complete"/> or <see cref="Yield"/>, from any thread, exactly once per run.
/// </summary>
/// <typeparam name="T">The scheduled item.</typeparam>
public sealed class ExecutionSlot<T> where T : class, ISchedulable
{
    private const int Idle = 0, Running = 1, Completed = 2, Yielded = 3;

    private readonly ResourceQueue<T> _owner;
    private readonly T?[] _batch;
    private int _count;
    private int _state;
    private int _yieldRequested;
    private double _serviceThisRun;
    private long _sliceEndTicks = long.MaxValue;

    internal ExecutionSlot(ResourceQueue<T> owner, int index, int maxBatch)
    {
        _owner = owner;
        Index = index;
        _batch = new T?[maxBatch];
    }

    /// <summary>The slot's number, 0 to N-1.</summary>
    public int Index { get; }

    /// <summary>The item running in this slot (the first of a batch).</summary>
    public T Item => _batch[0] ?? throw new InvalidOperationException("The slot is idle.");

    /// <summary>Every item of the batch this slot runs (one item unless the queue batches).</summary>
    public ReadOnlySpan<T> Batch => _batch.AsSpan(0, _count)!;

    /// <summary>How much service this run may give before the item should yield (infinity: no limit).</summary>
    public double ServiceBudget { get; private set; } = double.PositiveInfinity;

    /// <summary>Service reported during this run.</summary>
    public double ServiceThisRun => Volatile.Read(ref _serviceThisRun);

    /// <summary>Whether the queue asked the item to stop at its next safe point.</summary>
    public bool YieldRequested => Volatile.Read(ref _yieldRequested) != 0;

    /// <summary>Whether the item should stop at this safe point: a yield was requested or its budget is spent.</summary>
    public bool ShouldYield => YieldRequested || ServiceThisRun >= ServiceBudget;

    internal bool IsRunning => Volatile.Read(ref _state) == Running;
    internal bool HasCompleted => Volatile.Read(ref _state) == Completed;
    internal bool HasYielded => Volatile.Read(ref _state) == Yielded;
    internal long SliceEndTicks => Volatile.Read(ref _sliceEndTicks);
    internal ResourceQueue<T> Owner => _owner;
    internal object? ResumeState { get; private set; }
    internal ITimer? SliceTimer { get; set; }

    /// <summary>Adds service the item received (tokens generated, bytes written...), in the resource's cost unit.</summary>
    public void ReportService(double units)
    {
        if (!(units >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(units), units, "Service must be a non-negative number.");
        }
        Volatile.Write(ref _serviceThisRun, _serviceThisRun + units);
        for (int i = 0; i < _count; i++)
        {
            _batch[i]!.Ticket.AttainedService += units;
        }
    }

    /// <summary>The run finished: the item (every item of the batch) is done.</summary>
    /// <exception cref="InvalidOperationException">The run already ended.</exception>
    public void Complete() => End(Completed, null);

    /// <summary>
    /// The item stopped at a safe point and should run again later: it goes back to the policy with its attained
    /// service, and <paramref name="resumeState"/> is kept on its ticket for the executor's next <c>Start</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The run already ended.</exception>
    public void Yield(object? resumeState = null) => End(Yielded, resumeState);

    private void End(int outcome, object? resumeState)
    {
        ResumeState = resumeState;
        if (Interlocked.CompareExchange(ref _state, outcome, Running) != Running)
        {
            throw new InvalidOperationException($"Slot {Index}'s run already ended (or never started): Complete or Yield is called once per run.");
        }
        _owner.OnSlotEnded();
    }

    // ---- dispatcher thread ----

    internal void Begin(T first, double budget, long sliceEndTicks)
    {
        _batch[0] = first;
        _count = 1;
        ServiceBudget = budget;
        _serviceThisRun = 0;
        _yieldRequested = 0;
        ResumeState = null;
        Volatile.Write(ref _sliceEndTicks, sliceEndTicks);
        Volatile.Write(ref _state, Running);
    }

    internal bool TryAddToBatch(T item)
    {
        if (_count == _batch.Length)
        {
            return false;
        }
        _batch[_count++] = item;
        return true;
    }

    internal int BatchCapacity => _batch.Length;

    internal void Release()
    {
        Array.Clear(_batch, 0, _count);
        _count = 0;
        ResumeState = null;
        Volatile.Write(ref _sliceEndTicks, long.MaxValue);
        Volatile.Write(ref _state, Idle);
    }

    /// <summary>Sets the yield flag; returns whether this call set it (so the executor is told once).</summary>
    internal bool TryRequestYield() => IsRunning && Interlocked.Exchange(ref _yieldRequested, 1) == 0;
}
