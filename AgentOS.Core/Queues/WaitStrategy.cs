namespace AgentOS.Queues;

/// <summary>
/// How a consumer thread waits for work, and how whatever produces that work wakes it. One instance may be shared by
/// several rings and by other event sources that feed the same consumer (a timer falling due, an execution slot
/// becoming free), so the consumer sleeps on one condition covering all of them.
/// </summary>
/// <remarks>
/// <para>The contract, as with a condition variable: a source first makes its event visible to the consumer's
/// <c>ready</c> condition (publishes an item, sets a flag), then calls <see cref="Wake"/>. The consumer calls
/// <see cref="WaitUntil"/> with a condition that reads every source it serves; it returns once that condition holds.
/// A parking strategy may also return after a <see cref="Wake"/> that found it parked even though the condition is
/// still false, so the consumer re-checks its sources and loops. No wake-up is lost: the parking protocol is
/// Dekker-style (see <see cref="BlockingWaitStrategy"/>).</para>
/// <para>Rings call <see cref="Wake"/> after every publish; it costs a full fence and one read while nobody is
/// parked (nothing at all for the strategies that never park). The rings' own wake skips even the fence where the
/// publish was already an interlocked operation.</para>
/// <para>The set of strategies is closed (an internal member ties them to the rings' fence-free wake); choose by
/// behaviour: <see cref="SpinThenParkWaitStrategy"/> (the default), <see cref="BlockingWaitStrategy"/>,
/// <see cref="SpinThenYieldWaitStrategy"/>, <see cref="BusySpinWaitStrategy"/>.</para>
/// </remarks>
public abstract class WaitStrategy
{
    private protected WaitStrategy()
    {
    }

    /// <summary>
    /// Returns once <paramref name="ready"/> returns <see langword="true"/>, or (parking strategies) after a
    /// <see cref="Wake"/> that found this consumer parked; callers re-check their sources and call again if needed.
    /// </summary>
    /// <param name="ready">The consumer's condition over all its sources. Called many times, from the waiting
    /// thread only; it must be cheap and free of side effects. Cache the delegate in a field: creating a lambda per
    /// call allocates.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before or during
    /// the wait.</exception>
    public abstract void WaitUntil(Func<bool> ready, CancellationToken cancellationToken = default);

    /// <summary>
    /// Wakes the consumer if it is parked. Call it after making the event visible to the consumer's condition. Safe
    /// from any thread; cheap when nobody is parked (a full fence and one read; nothing for spinning strategies).
    /// </summary>
    public abstract void Wake();

    /// <summary>
    /// <see cref="Wake"/> for a caller whose own publication was a full fence (an <see cref="Interlocked"/> operation
    /// that made the event visible to the consumer's condition), so the store-load fence the parking protocol needs
    /// has already happened.
    /// </summary>
    internal abstract void WakeAfterFence();

    /// <summary>Creates the default strategy: a <see cref="SpinThenParkWaitStrategy"/> with its default spin.</summary>
    public static WaitStrategy CreateDefault() => new SpinThenParkWaitStrategy();

    /// <summary>The parker this strategy sleeps on, if it parks: read for its diagnostic counts.</summary>
    internal virtual Parker? Parker => null;
}
