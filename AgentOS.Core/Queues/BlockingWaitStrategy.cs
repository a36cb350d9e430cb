namespace AgentOS.Queues;

/// <summary>
/// Parks the consumer at once when its condition is false, and wakes it on the next <see cref="WaitStrategy.Wake"/>:
/// no CPU while idle, at the price of a kernel wake-up (microseconds) per idle-to-busy transition.
/// </summary>
/// <remarks>
/// <para>Park protocol (Dekker-style, so no wake-up is lost):</para>
/// <list type="number">
/// <item>Consumer: read the wake generation; set the parked flag with an interlocked exchange (a full fence);
/// re-check the condition; if still false, sleep on a monitor while the generation is unchanged.</item>
/// <item>Waker: make the event visible to the condition (publish the item, set the flag); a full fence (the ring's
/// claim CAS, or the one inside <see cref="WaitStrategy.Wake"/>); read the parked flag; if set, clear it with an
/// exchange and bump the generation under the monitor, pulsing every sleeper.</item>
/// </list>
/// <para>Each side stores, fences, then reads the other's location, so at least one sees the other: either the
/// waker sees the flag and signals (the generation covers a signal that lands between the consumer's re-check and
/// its sleep), or the consumer's re-check sees the event. While nobody is parked a wake costs one fence and one read
/// of a line nobody writes. Several consumers may share the strategy; each signal wakes them all.</para>
/// </remarks>
public sealed class BlockingWaitStrategy : WaitStrategy
{
    private readonly Parker _parker = new();

    /// <inheritdoc />
    public override void WaitUntil(Func<bool> ready, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ready);
        cancellationToken.ThrowIfCancellationRequested();
        if (!ready())
        {
            _parker.Park(ready, cancellationToken);
        }
    }

    /// <inheritdoc />
    public override void Wake() => _parker.Wake();

    internal override void WakeAfterFence() => _parker.WakeAfterFence();

    internal override Parker? Parker => _parker;
}
