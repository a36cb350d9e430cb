namespace AgentOS.Llm;

/// <summary>
/// One backend's limiter on the kernel's clock: requests and tokens per sliding minute, and a hold until the time a
/// Retry-After named. The LLM queue asks it before each request to the backend starts
/// (<see cref="TryStart(int, out long)"/>); a non-zero answer holds the backend's queued requests until then — the queue keeps them
/// and wakes itself when the wait ends. It never retries anything.
/// </summary>
/// <remarks>Thread-safe: the queue's dispatcher asks, executors report usage and holds.</remarks>
public sealed class LlmRateLimiter
{
    private static readonly long Window = TimeSpan.FromMinutes(1).Ticks;

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly int? _requestsPerMinute;
    private readonly int? _tokensPerMinute;
    private readonly Queue<long> _starts = new();
    // The token charges in start order, oldest at _head; a charge's id is its position counted since the limiter
    // began (_expired counts those gone), so a correction finds and amends its own charge in place.
    private readonly List<(long At, int Tokens)> _tokens = [];
    private int _head;
    private long _expired;
    private long _tokensInWindow;
    private long _heldUntil;

    /// <summary>Creates a limiter (no limits: it only honours holds).</summary>
    public LlmRateLimiter(LlmRateLimits? limits, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (limits?.RequestsPerMinute is < 1 || limits?.TokensPerMinute is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(limits), "Rate limits must be at least 1 per minute (leave one unset for no limit).");
        }
        _time = time;
        _origin = time.GetTimestamp();
        _requestsPerMinute = limits?.RequestsPerMinute;
        _tokensPerMinute = limits?.TokensPerMinute;
    }

    private long Now => _time.GetElapsedTime(_origin).Ticks;

    /// <summary>Whether a Retry-After holds the backend now.</summary>
    public bool IsHeld => Volatile.Read(ref _heldUntil) > Now;

    /// <summary>Until when a Retry-After holds the backend, or <see langword="null"/>.</summary>
    public DateTimeOffset? HeldUntil
    {
        get
        {
            long wait = Volatile.Read(ref _heldUntil) - Now;
            return wait > 0 ? _time.GetUtcNow().AddTicks(wait) : null;
        }
    }

    /// <summary>The sliding minute as it stands: requests and tokens counted, and the limits (for status pages).</summary>
    public LlmRateWindow CurrentWindow
    {
        get
        {
            if (_requestsPerMinute is null && _tokensPerMinute is null)
            {
                return new LlmRateWindow(0, 0, null, null);
            }
            lock (_gate)
            {
                Expire(Now);
                return new LlmRateWindow(_starts.Count, _tokensInWindow, _requestsPerMinute, _tokensPerMinute);
            }
        }
    }

    /// <summary>
    /// Whether a request estimated at <paramref name="estimatedTokens"/> may start now: <see cref="TimeSpan.Zero"/>
    /// counts it as started; otherwise how long to wait before asking again. A request larger than the whole token
    /// limit may start once the minute is empty, or it could never run.
    /// </summary>
    public TimeSpan TryStart(int estimatedTokens) => TryStart(estimatedTokens, out _);

    /// <summary>
    /// <see cref="TryStart(int)"/>, naming the charge a start made (-1 when none) so <see cref="Record"/> can correct
    /// that charge rather than add a new one.
    /// </summary>
    public TimeSpan TryStart(int estimatedTokens, out long charge)
    {
        charge = -1;
        // A backend without limits that was never held answers without reading the clock: this runs for every LLM
        // syscall, and on a microsecond backend the clock read is a visible share of the round trip.
        long held = Volatile.Read(ref _heldUntil);
        bool unlimited = _requestsPerMinute is null && _tokensPerMinute is null;
        if (held == 0 && unlimited)
        {
            return TimeSpan.Zero;
        }
        long now = Now;
        if (held > now)
        {
            return TimeSpan.FromTicks(held - now);
        }
        if (unlimited)
        {
            return TimeSpan.Zero;
        }
        lock (_gate)
        {
            Expire(now);
            if (_requestsPerMinute is { } rpm && _starts.Count >= rpm)
            {
                return TimeSpan.FromTicks(_starts.Peek() + Window - now);
            }
            if (_tokensPerMinute is { } tpm && _head < _tokens.Count && _tokensInWindow + estimatedTokens > tpm)
            {
                return TimeSpan.FromTicks(_tokens[_head].At + Window - now);
            }
            _starts.Enqueue(now);
            if (_tokensPerMinute is not null)
            {
                charge = _expired + _tokens.Count - _head;
                _tokens.Add((now, estimatedTokens));
                _tokensInWindow += estimatedTokens;
            }
            return TimeSpan.Zero;
        }
    }

    /// <summary>Corrects the <paramref name="charge"/> a start made by <paramref name="tokens"/> (actual minus
    /// estimate: negative refunds). The correction keeps the charge's start time — stamped later, a refund would outlive
    /// its charge and the window would under-count — and a charge already out of the window stays out.</summary>
    public void Record(long charge, int tokens)
    {
        if (_tokensPerMinute is null || tokens == 0 || charge < 0)
        {
            return;
        }
        lock (_gate)
        {
            if (charge < _expired || charge - _expired >= _tokens.Count - _head)
            {
                return;
            }
            int index = _head + (int)(charge - _expired);
            _tokens[index] = (_tokens[index].At, _tokens[index].Tokens + tokens);
            _tokensInWindow += tokens;
        }
    }

    /// <summary>Holds every further start for <paramref name="wait"/> (the backend said Retry-After); a later hold
    /// extends an earlier one, never shortens it.</summary>
    public void HoldFor(TimeSpan wait)
    {
        long until = Now + Math.Max(0, wait.Ticks);
        long current;
        while ((current = Volatile.Read(ref _heldUntil)) < until && Interlocked.CompareExchange(ref _heldUntil, until, current) != current)
        {
        }
    }

    private void Expire(long now)
    {
        while (_starts.Count > 0 && _starts.Peek() + Window <= now)
        {
            _starts.Dequeue();
        }
        while (_head < _tokens.Count && _tokens[_head].At + Window <= now)
        {
            _tokensInWindow -= _tokens[_head].Tokens;
            _head++;
            _expired++;
        }
        if (_head >= 64 && _head * 2 >= _tokens.Count)
        {
            _tokens.RemoveRange(0, _head);
            _head = 0;
        }
    }
}
