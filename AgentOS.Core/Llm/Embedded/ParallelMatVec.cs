using System.Runtime.ExceptionServices;
using AgentOS.Threading;

namespace AgentOS.Llm.Embedded;

/// <summary>
/// One matrix-vector product split by rows between the calling thread and a pinned pool's workers, waited for by
/// spinning (a part takes microseconds, far less than a park and a wake-up). One instance per calling thread, its
/// parts reused, so a split allocates nothing. Each row is still one dot product in the usual order: a split product
/// has exactly the bits of an unsplit one.
/// </summary>
internal sealed class ParallelMatVec
{
    [ThreadStatic]
    private static ParallelMatVec? t_current;

    private readonly Part[] _parts;
    private int _pending;
    private ExceptionDispatchInfo? _failure;

    // The product in progress: xout[outStart + i] = W[i] · x for rows i, W row-major at w[weights], rows n long.
    private float[] _w = [], _xout = [], _x = [];
    private int _weights, _outStart, _n;

    private ParallelMatVec(PinnedThreadPool pool)
    {
        Pool = pool;
        _parts = new Part[pool.Workers.Count];
        for (int i = 0; i < _parts.Length; i++)
        {
            _parts[i] = new Part(this);
        }
    }

    public PinnedThreadPool Pool { get; }

    /// <summary>This thread's splitter for <paramref name="pool"/>.</summary>
    public static ParallelMatVec For(PinnedThreadPool pool)
    {
        var current = t_current;
        if (current is null || current.Pool != pool)
        {
            t_current = current = new ParallelMatVec(pool);
        }
        return current;
    }

    /// <summary>Computes rows [0, <paramref name="d"/>) in equal parts, this thread taking the first; returns when
    /// every part is done, rethrowing a part's failure.</summary>
    public void Run(float[] w, int weights, float[] xout, int outStart, float[] x, int n, int d)
    {
        (_w, _weights, _xout, _outStart, _x, _n) = (w, weights, xout, outStart, x, n);
        int chunk = (d + _parts.Length) / (_parts.Length + 1);
        int queued = 0;
        while (queued < _parts.Length && (queued + 1) * chunk < d)
        {
            queued++;
        }
        Volatile.Write(ref _pending, queued);
        for (int p = 0; p < queued; p++)
        {
            _parts[p].From = (p + 1) * chunk;
            _parts[p].To = Math.Min(d, (p + 2) * chunk);
            Pool.Enqueue(_parts[p], preferredWorker: p);
        }
        try
        {
            Rows(0, Math.Min(chunk, d));
        }
        finally
        {
            var spin = new SpinWait();
            while (Volatile.Read(ref _pending) != 0)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }
        }
        if (Interlocked.Exchange(ref _failure, null) is { } failure)
        {
            failure.Throw();
        }
    }

    private void Rows(int from, int to)
    {
        var x = _x.AsSpan(0, _n);
        for (int i = from; i < to; i++)
        {
            _xout[_outStart + i] = Llama2Model.Dot(_w.AsSpan(_weights + i * _n, _n), x);
        }
    }

    private sealed class Part(ParallelMatVec owner) : IPinnedWorkItem
    {
        public int From, To;

        public void Execute()
        {
            try
            {
                owner.Rows(From, To);
            }
            catch (Exception ex)
            {
                owner._failure = ExceptionDispatchInfo.Capture(ex);
            }
            finally
            {
                Interlocked.Decrement(ref owner._pending);
            }
        }
    }
}
