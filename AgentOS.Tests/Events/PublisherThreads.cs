using System.Runtime.ExceptionServices;

namespace AgentOS.Tests.Events;

/// <summary>Runs publishers on dedicated threads (not the pool the subscriptions deliver on) and joins them,
/// rethrowing the first failure.</summary>
public static class PublisherThreads
{
    public static void Run(int count, Action<int> publish)
    {
        var errors = new Exception?[count];
        var threads = Enumerable.Range(0, count).Select(p => new Thread(() =>
        {
            try
            {
                publish(p);
            }
            catch (Exception ex)
            {
                errors[p] = ex;
            }
        })
        { IsBackground = true, Name = $"publisher {p}" }).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }
        foreach (var thread in threads)
        {
            thread.Join();
        }
        if (errors.FirstOrDefault(e => e is not null) is { } error)
        {
            ExceptionDispatchInfo.Throw(error);
        }
    }
}
