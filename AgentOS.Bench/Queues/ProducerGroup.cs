namespace AgentOS.Bench.Queues;

/// <summary>
/// Producer threads for the queue benchmarks: created, started and parked at a gate before the clock starts (so
/// thread start-up is neither timed nor counted as allocation), released together by <see cref="Release"/>, joined
/// after the clock stops. Raw threads, not the thread pool, so every queue sees the same scheduling.
/// </summary>
internal sealed class ProducerGroup : IDisposable
{
    private readonly ManualResetEventSlim _gate = new();
    private readonly Thread[] _threads;
    private Exception? _error;

    public ProducerGroup(int count, Action<int> body)
    {
        using var ready = new CountdownEvent(count);
        _threads = new Thread[count];
        for (int i = 0; i < count; i++)
        {
            int index = i;
            _threads[i] = new Thread(() =>
            {
                ready.Signal();
                _gate.Wait();
                try
                {
                    body(index);
                }
                catch (Exception ex)
                {
                    _error = ex;
                }
            })
            {
                IsBackground = true,
                Name = $"bench producer {i}",
            };
            _threads[i].Start();
        }
        ready.Wait();
    }

    /// <summary>Lets every producer run; call right after <c>run.Start()</c>.</summary>
    public void Release() => _gate.Set();

    /// <summary>Waits for every producer and rethrows a producer's exception.</summary>
    public void Join()
    {
        foreach (var thread in _threads)
        {
            thread.Join();
        }
        if (_error is not null)
        {
            throw new InvalidOperationException("a producer failed", _error);
        }
    }

    public void Dispose() => _gate.Dispose();
}
