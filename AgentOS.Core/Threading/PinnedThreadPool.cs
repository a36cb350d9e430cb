using System.Diagnostics.CodeAnalysis;

namespace AgentOS.Threading;

/// <summary>
/// A fixed set of named worker threads, by default one per allowed CPU and pinned to it, each with its own inbox.
/// Work goes to the worker asked for, or round-robin; each worker runs its own inbox in order, without stealing, so
/// work sent to one worker stays on that worker's CPU.
/// </summary>
/// <remarks>
/// <para>Thread safety: <c>Enqueue</c>, the counters and <see cref="ShutdownAsync"/> may be called from any thread,
/// concurrently. Enqueueing allocates nothing per item beyond the inbox's amortized segments when the caller reuses
/// its <see cref="IPinnedWorkItem"/> or passes a cached delegate with its state.</para>
/// <para>Failures: an exception from a work item is counted (<see cref="FailedCount"/>) and reported through
/// <see cref="WorkItemFailed"/> (with no handler attached, or when the handler throws, written to
/// <see cref="PinnedThreadPoolOptions.FailureLog"/>, stderr by default); the worker goes on.</para>
/// <para>Shutdown: <see cref="ShutdownAsync"/> closes the pool to new work, then drains (runs what is queued) or
/// cancels (drops it, counted in <see cref="DroppedCount"/>), and joins every worker thread. <see cref="Dispose"/> and
/// <see cref="DisposeAsync"/> cancel. No item is lost silently: each accepted item runs, fails (reported) or is
/// counted as dropped; an item offered after shutdown has begun is refused with an exception.</para>
/// </remarks>
public sealed partial class PinnedThreadPool : IDisposable, IAsyncDisposable
{
    private static readonly Action<object?> InvokeAction = static action => ((Action)action!)();
    [ThreadStatic]
    private static PinnedThreadPool? t_pool;

    private readonly Worker[] _workers;
    private readonly TextWriter? _failureLog;
    private int _nextWorker;

    /// <summary>Starts the workers; returns once every one of them has set its affinity.</summary>
    /// <param name="options">The pool's shape; default: one pinned worker per allowed CPU.</param>
    /// <exception cref="ArgumentException">The options are inconsistent (empty name or CPU list, no workers).</exception>
    /// <exception cref="AffinityException"><see cref="PinnedThreadPoolOptions.RequirePinning"/> is set and a worker
    /// could not pin; the workers already started are stopped.</exception>
    public PinnedThreadPool(PinnedThreadPoolOptions? options = null)
    {
        options ??= new PinnedThreadPoolOptions();
        var cpus = Validate(options);
        Name = options.Name;
        _failureLog = options.FailureLog;
        int count = options.WorkerCount ?? cpus.Count;
        _workers = new Worker[count];
        var threads = new PinnedThread[count];
        for (int i = 0; i < count; i++)
        {
            _workers[i] = new Worker(this, i);
        }
        int started = 0;
        try
        {
            for (; started < count; started++)
            {
                threads[started] = PinnedThread.Start($"{Name}-{started}", options.Pin ? cpus[started % cpus.Count] : null,
                    _workers[started].Run, options.IsBackground);
            }
        }
        catch
        {
            StopWorkers(threads.AsSpan(0, started));
            throw;
        }
        Workers = Array.AsReadOnly(threads);
        if (options.RequirePinning && Array.Find(threads, t => !t.IsPinned) is { } unpinned)
        {
            Dispose();
            throw new AffinityException(unpinned.PinResult);
        }
    }

    /// <summary>A work item threw. Raised on the worker thread that ran it, before that worker goes on.</summary>
    public event EventHandler<WorkItemFailedEventArgs>? WorkItemFailed;

    /// <summary>Whether the calling thread is one of this pool's workers: work that waits for other items of the pool
    /// must not be started there, since the item it waits for may be queued behind it.</summary>
    public bool IsWorkerThread => t_pool == this;

    /// <summary>The pool's name, the prefix of its workers' thread names.</summary>
    public string Name { get; }

    /// <summary>The worker threads, by index (the index <c>preferredWorker</c> takes).</summary>
    public IReadOnlyList<PinnedThread> Workers { get; }

    /// <summary>Work items that ran to completion.</summary>
    public long CompletedCount => Sum(static w => Volatile.Read(ref w.Completed));

    /// <summary>Work items that threw (each one reported through <see cref="WorkItemFailed"/>).</summary>
    public long FailedCount => Sum(static w => Volatile.Read(ref w.Failed));

    /// <summary>Work items accepted but never run, because the pool was shut down without draining.</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <summary>Whether shutdown has begun: <c>Enqueue</c> now throws.</summary>
    public bool IsShutDown => Volatile.Read(ref _gate) < 0;

    /// <summary>Queues <paramref name="item"/> for <paramref name="preferredWorker"/>, or the next worker round-robin.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="preferredWorker"/> is not a worker index.</exception>
    /// <exception cref="ObjectDisposedException">Shutdown has begun; the item would never run.</exception>
    public void Enqueue(IPinnedWorkItem item, int? preferredWorker = null)
    {
        ArgumentNullException.ThrowIfNull(item);
        Post(new WorkItem(item, null), preferredWorker);
    }

    /// <summary>Queues <c>callback(state)</c>; a static lambda with its state enqueues without allocating.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="preferredWorker"/> is not a worker index.</exception>
    /// <exception cref="ObjectDisposedException">Shutdown has begun; the item would never run.</exception>
    public void Enqueue(Action<object?> callback, object? state, int? preferredWorker = null)
    {
        ArgumentNullException.ThrowIfNull(callback);
        Post(new WorkItem(callback, state), preferredWorker);
    }

    /// <summary>Queues <paramref name="work"/> for <paramref name="preferredWorker"/>, or the next worker round-robin.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="preferredWorker"/> is not a worker index.</exception>
    /// <exception cref="ObjectDisposedException">Shutdown has begun; the item would never run.</exception>
    public void Enqueue(Action work, int? preferredWorker = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        Post(new WorkItem(InvokeAction, work), preferredWorker);
    }

    private void Post(WorkItem item, int? preferredWorker)
    {
        var worker = preferredWorker is int index
            ? (uint)index < (uint)_workers.Length ? _workers[index] : ThrowNoSuchWorker(index)
            : _workers[(uint)Interlocked.Increment(ref _nextWorker) % (uint)_workers.Length];
        // Count this call in before looking at the closed bit; BeginShutdown waits for the count to drain after
        // setting the bit. So either this call sees the pool closed and backs out, or the shutdown waits for it.
        if (Interlocked.Increment(ref _gate) < 0)
        {
            Interlocked.Decrement(ref _gate);
            ThrowShutDown();
        }
        worker.Inbox.Enqueue(item);
        Interlocked.Decrement(ref _gate);
        worker.Waiter.Wake();
    }

    private void ReportFailure(int workerIndex, string workerName, Exception exception)
    {
        var handler = WorkItemFailed;
        if (handler is null)
        {
            (_failureLog ?? Console.Error).WriteLine($"agentos: a work item on {workerName} of pool '{Name}' threw (attach WorkItemFailed to handle this): {exception}");
            return;
        }
        try
        {
            handler(this, new WorkItemFailedEventArgs(workerIndex, workerName, exception));
        }
        catch (Exception handlerException)
        {
            // The worker must go on, and the failure must not vanish: the failure log is what is left.
            (_failureLog ?? Console.Error).WriteLine($"agentos: the WorkItemFailed handler of pool '{Name}' threw while reporting {exception}: {handlerException}");
        }
    }

    private long Sum(Func<Worker, long> counter)
    {
        long total = 0;
        foreach (var worker in _workers)
        {
            total += counter(worker);
        }
        return total;
    }

    private static IReadOnlyList<int> Validate(PinnedThreadPoolOptions options)
    {
        if (string.IsNullOrEmpty(options.Name))
        {
            throw new ArgumentException("PinnedThreadPoolOptions.Name is empty: name the pool (its workers are named after it).", nameof(options));
        }
        if (options.RequirePinning && !options.Pin)
        {
            throw new ArgumentException("PinnedThreadPoolOptions.RequirePinning is set but Pin is not: set Pin, or drop RequirePinning.", nameof(options));
        }
        if (options.WorkerCount is < 1)
        {
            throw new ArgumentException($"PinnedThreadPoolOptions.WorkerCount is {options.WorkerCount}: a pool needs at least one worker.", nameof(options));
        }
        var cpus = options.Cpus ?? CpuAffinity.AllowedCpus();
        if (cpus.Count == 0)
        {
            throw new ArgumentException("PinnedThreadPoolOptions.Cpus is empty: list at least one CPU, or leave it null for the allowed set.", nameof(options));
        }
        return cpus;
    }

    [DoesNotReturn]
    private Worker ThrowNoSuchWorker(int preferredWorker) =>
        throw new ArgumentOutOfRangeException(nameof(preferredWorker), preferredWorker, $"pool '{Name}' has workers 0 to {_workers.Length - 1}.");

    [DoesNotReturn]
    private void ThrowShutDown() =>
        throw new ObjectDisposedException(Name, $"pool '{Name}' is shut down or shutting down: work enqueued now would never run. Enqueue before ShutdownAsync or Dispose.");
}
