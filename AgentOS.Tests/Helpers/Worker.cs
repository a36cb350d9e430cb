using System.Runtime.ExceptionServices;

namespace AgentOS.Tests.Helpers;

/// <summary>
/// A background thread whose exception <see cref="Join"/> rethrows, so a failing producer fails its test instead of
/// dying unseen (and a stuck one cannot keep the process alive).
/// </summary>
public sealed class Worker
{
    private readonly Thread _thread;
    private Exception? _error;

    private Worker(Action body, string name, CancellationTokenSource? cancelOnError)
    {
        _thread = new Thread(() =>
        {
            try
            {
                body();
            }
            catch (Exception ex)
            {
                _error = ex;
                cancelOnError?.Cancel();
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
    }

    /// <summary>Starts <paramref name="body"/> on a new background thread. If it throws,
    /// <paramref name="cancelOnError"/> is cancelled, so a thread waiting for its output can stop and join it.</summary>
    public static Worker Start(Action body, string name = "test worker", CancellationTokenSource? cancelOnError = null)
    {
        var worker = new Worker(body, name, cancelOnError);
        worker._thread.Start();
        return worker;
    }

    /// <summary>Waits for the thread and rethrows its exception, if any.</summary>
    public void Join()
    {
        _thread.Join();
        if (_error is not null)
        {
            ExceptionDispatchInfo.Throw(_error);
        }
    }

    /// <summary>Joins every worker, rethrowing the first exception.</summary>
    public static void JoinAll(IEnumerable<Worker> workers)
    {
        foreach (var worker in workers)
        {
            worker.Join();
        }
    }
}
