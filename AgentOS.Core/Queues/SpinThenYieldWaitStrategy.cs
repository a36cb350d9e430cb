namespace AgentOS.Queues;

/// <summary>
/// Spins briefly on the condition, then keeps re-checking it while yielding the core between checks
/// (<see cref="SpinWait.SpinOnce(int)"/> without its one-millisecond sleeps): low latency, and other threads still
/// run, but the consumer never sleeps and stays on the run queue. Never parks, so <see cref="Wake"/> costs nothing and
/// the consumer notices events only through its condition.
/// </summary>
public sealed class SpinThenYieldWaitStrategy : WaitStrategy
{
    /// <inheritdoc />
    public override void WaitUntil(Func<bool> ready, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ready);
        cancellationToken.ThrowIfCancellationRequested();
        SpinWait spinner = default;
        while (!ready())
        {
            cancellationToken.ThrowIfCancellationRequested();
            spinner.SpinOnce(sleep1Threshold: -1);
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
