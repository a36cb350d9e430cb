namespace AgentOS.Llm.Embedded;

/// <summary>
/// Recycles sequences (their KV caches are most of a sequence's memory: layers × context × kv width × 2 floats), so
/// generations that come and go, or are preempted and resumed, reuse caches instead of allocating fresh ones.
/// Thread-safe. A recycled cache keeps stale values past the new owner's position; attention never reads them, because
/// a step at position p reads only positions 0..p, all written by the owner (or restored from its snapshot).
/// </summary>
public sealed class Llama2SequencePool
{
    private readonly Stack<Llama2Sequence> _free = new();
    private readonly int _maxRetained;
    private long _created;

    /// <summary>Creates a pool for <paramref name="model"/> that keeps at most <paramref name="maxRetained"/> idle sequences.</summary>
    public Llama2SequencePool(Llama2Model model, int maxRetained = 64)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRetained, 0);
        Model = model;
        _maxRetained = maxRetained;
    }

    /// <summary>The model whose sequences it holds.</summary>
    public Llama2Model Model { get; }

    /// <summary>How many sequences it ever allocated (a steady workload stops raising it).</summary>
    public long Created => Interlocked.Read(ref _created);

    /// <summary>How many idle sequences it holds.</summary>
    public int Idle
    {
        get
        {
            lock (_free)
            {
                return _free.Count;
            }
        }
    }

    /// <summary>An idle sequence, or a new one when none is idle.</summary>
    public Llama2Sequence Rent()
    {
        lock (_free)
        {
            if (_free.TryPop(out var sequence))
            {
                return sequence;
            }
        }
        Interlocked.Increment(ref _created);
        return Model.NewSequence();
    }

    /// <summary>Gives a sequence back; its owner must not use it afterwards.</summary>
    /// <exception cref="ArgumentException">The sequence belongs to a model of another shape.</exception>
    public void Return(Llama2Sequence sequence)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        if (sequence.Config != Model.Config)
        {
            throw new ArgumentException("The sequence belongs to a model of another shape.", nameof(sequence));
        }
        lock (_free)
        {
            if (_free.Count < _maxRetained)
            {
                _free.Push(sequence);
            }
        }
    }
}
