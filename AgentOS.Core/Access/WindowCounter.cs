namespace AgentOS.Access;

/// <summary>
/// A usage counter for fixed budget windows, lock-free: one 64-bit word holds the window number (high 32 bits,
/// modulo 2^32) and the amount used in it (low 32 bits), so "roll to a new window" and "charge" are one
/// compare-and-swap and a budget can never be overshot by racing threads.
/// </summary>
/// <remarks>
/// Windows only move forward: a caller whose clock read is a little older than the stored window charges the stored
/// (newer) window instead of resetting it. Window numbers compare modulo 2^32 (as sequence numbers do), which is
/// exact for any gap under 2^31 windows; a counter untouched for exactly 2^32 windows could see a stale amount, which
/// can only deny early, never allow more.
/// </remarks>
internal struct WindowCounter
{
    private long _state;

    /// <summary>The amount used in <paramref name="window"/> (0 if the counter is still in an older window).</summary>
    public long UsedIn(uint window)
    {
        long state = Volatile.Read(ref _state);
        return (int)(window - (uint)(state >> 32)) > 0 ? 0 : (uint)state;
    }

    /// <summary>Adds <paramref name="amount"/> if the total stays within <paramref name="limit"/> (at most
    /// <see cref="uint.MaxValue"/>); an amount of zero succeeds while something is left.</summary>
    public bool TryCharge(uint window, long amount, long limit)
    {
        long state = Volatile.Read(ref _state);
        while (true)
        {
            Read(state, window, out uint current, out long used);
            long next = used + amount;
            if (next > limit || (amount == 0 && used >= limit))
            {
                return false;
            }
            if (amount == 0)
            {
                return true;
            }
            long seen = Interlocked.CompareExchange(ref _state, Pack(current, next), state);
            if (seen == state)
            {
                return true;
            }
            state = seen;
        }
    }

    /// <summary>Adds <paramref name="delta"/> (negative to refund), clamped to [0, uint.MaxValue]. A refund for a window
    /// that has already ended does nothing; a charge for a window the counter has not reached starts it.</summary>
    public void Add(uint window, long delta)
    {
        long state = Volatile.Read(ref _state);
        while (true)
        {
            uint stored = (uint)(state >> 32);
            if (delta < 0 && stored != window)
            {
                return;
            }
            Read(state, window, out uint current, out long used);
            long next = Math.Clamp(used + delta, 0, uint.MaxValue);
            long seen = Interlocked.CompareExchange(ref _state, Pack(current, next), state);
            if (seen == state)
            {
                return;
            }
            state = seen;
        }
    }

    private static void Read(long state, uint window, out uint current, out long used)
    {
        uint stored = (uint)(state >> 32);
        if ((int)(window - stored) > 0)
        {
            current = window;
            used = 0;
        }
        else
        {
            current = stored;
            used = (uint)state;
        }
    }

    private static long Pack(uint window, long used) => ((long)window << 32) | used;
}
