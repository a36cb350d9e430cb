namespace AgentOS.Llm;

/// <summary>
/// One backend's limiter on the kernel's clock: requests and tokens per sliding minute, and a hold until the time a
/// Retry-After named. The LLM queue asks it before each request to the backend starts
/// (<see cref="TryStart"/>); a non-zero answer holds the backend's queued requests until then — the queue keeps them
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
    private readonly Queue<(long At, int Tokens)> _tokens = new();
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

    /// <summary>Until when a Retry-After holds the backend, or <see langword="null"/>.</summary>
    public DateTimeOffset? HeldUntil
    {
        get
        {
            long wait = Volatile.Read(ref _heldUntil) - Now;
            return wait > 0 ? _time.GetUtcNow().AddTicks(wait) : null;
        }
    }

    /// <summary>
    /// Whether a request estimated at <paramref name="estimatedTokens"/> may start now: <see cref="TimeSpan.Zero"/>
    /// counts it as started; otherwise how long to wait before asking again. A request larger than the whole token
    /// limit may start once the minute is empty, or it could never run.
    /// </summary>
    public TimeSpan TryStart(int estimatedTokens)
    {
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
            if (_tokensPerMinute is { } tpm && _tokens.Count > 0 && _tokensInWindow + estimatedTokens > tpm)
            {
                return TimeSpan.FromTicks(_tokens.Peek().At + Window - now);
            }
            _starts.Enqueue(now);
            Charge(now, estimatedTokens);
            return TimeSpan.Zero;
        }
    }

    /// <summary>Corrects the tokens charged at start by <paramref name="tokens"/> (actual minus estimate: negative
    /// refunds).</summary>
    public void Record(int tokens)
    {
        if (_tokensPerMinute is null || tokens == 0)
        {
            return;
        }
        lock (_gate)
        {
            Charge(Now, tokens);
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

    private void Charge(long now, int tokens)
    {
        if (_tokensPerMinute is null)
        {
            return;
        }
        _tokens.Enqueue((now, tokens));
        _tokensInWindow += tokens;
    }

    private void Expire(long now)
    {
        while (_starts.Count > 0 && _starts.Peek() + Window <= now)
        {
            _starts.Dequeue();
        }
        while (_tokens.Count > 0 && _tokens.Peek().At + Window <= now)
        {
            _tokensInWindow -= _tokens.Dequeue().Tokens;
        }
    }
}
