namespace AgentOS.Queues;

/// <summary>
/// Spins on the condition without ever yielding the core: the lowest latency, at the price of a whole core for as
/// long as the consumer waits. Only for a consumer pinned to a core of its own; on a two-core machine it starves
/// the thread pool (see <see cref="SpinThenParkWaitStrategy"/>). Never parks, so <see cref="Wake"/> costs nothing and
/// the consumer notices events only through its condition.
/// </summary>
public sealed class BusySpinWaitStrategy : WaitStrategy
{
    /// <inheritdoc />
    public override void WaitUntil(Func<bool> ready, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ready);
        cancellationToken.ThrowIfCancellationRequested();
        while (!ready())
        {
            cancellationToken.ThrowIfCancellationRequested();
            Thread.SpinWait(1);
        }
    }

    /// <inheritdoc />
    public override void Wake()
    {
    }

    internal override void WakeAfterFence()
    {
    }
}
