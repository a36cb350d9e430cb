namespace AgentOS.Threading;

/// <summary>
/// A unit of work for <see cref="PinnedThreadPool"/>, in the manner of <see cref="IThreadPoolWorkItem"/>: an object
/// that runs itself. A caller that reuses or pools its items enqueues without allocating.
/// </summary>
public interface IPinnedWorkItem
{
    /// <summary>Does the work, on the worker thread the item was given to. An exception is reported, not swallowed
    /// (<see cref="PinnedThreadPool.WorkItemFailed"/>), and the worker goes on with its next item.</summary>
    void Execute();
}
