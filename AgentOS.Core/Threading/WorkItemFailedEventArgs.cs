namespace AgentOS.Threading;

/// <summary>A work item of a <see cref="PinnedThreadPool"/> threw; the worker that ran it has gone on to the next one.</summary>
public sealed class WorkItemFailedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public WorkItemFailedEventArgs(int workerIndex, string workerName, Exception exception)
    {
        WorkerIndex = workerIndex;
        WorkerName = workerName;
        Exception = exception;
    }

    /// <summary>The index of the worker that ran the item (as in <see cref="PinnedThreadPool.Workers"/>).</summary>
    public int WorkerIndex { get; }

    /// <summary>The worker thread's name.</summary>
    public string WorkerName { get; }

    /// <summary>What the item threw.</summary>
    public Exception Exception { get; }
}
