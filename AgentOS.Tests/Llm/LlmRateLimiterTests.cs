using AgentOS.Llm;
using AgentOS.Tests.Framework;
using AgentOS.Time;

namespace AgentOS.Tests.Llm;

/// <summary>A backend's limiter on the manual clock: sliding-minute request and token limits, and Retry-After holds.</summary>
public sealed class LlmRateLimiterTests
{
    private readonly ManualTimeProvider _time = new();

    [Test]
    public void RequestsPerMinuteSpaceStartsOverASlidingMinute()
    {
        var limiter = new LlmRateLimiter(new LlmRateLimits { RequestsPerMinute = 2 }, _time);
        Assert.Equal(TimeSpan.Zero, limiter.TryStart(10));
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(TimeSpan.Zero, limiter.TryStart(10));
        Assert.Equal(TimeSpan.FromSeconds(40), limiter.TryStart(10), "the first start leaves the window at 60 s");
        _time.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(TimeSpan.Zero, limiter.TryStart(10));
        Assert.Equal(TimeSpan.FromSeconds(20), limiter.TryStart(10));
    }

    [Test]
    public void TokensPerMinuteReserveTheEstimateAndChargeTheActualUsage()
    {
        var limiter = new LlmRateLimiter(new LlmRateLimits { TokensPerMinute = 100 }, _time);
        Assert.Equal(TimeSpan.Zero, limiter.TryStart(60, out long charge));
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(50), limiter.TryStart(60), "60 + 60 is over 100 until the first leaves");
        limiter.Record(charge, 20 - 60); // it used 20
        Assert.Equal(TimeSpan.Zero, limiter.TryStart(60));
        Assert.Equal(TimeSpan.FromSeconds(50), limiter.TryStart(30));
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(TimeSpan.Zero, limiter.TryStart(500), "a request bigger than the limit runs once the minute is empty");
    }

    [Test]
    public void ARefundNeverOutlivesTheChargeItCorrects()
    {
        var limiter = new LlmRateLimiter(new LlmRateLimits { TokensPerMinute = 100 }, _time);
        Assert.Equal(TimeSpan.Zero, limiter.TryStart(60, out long charge));
        _time.Advance(TimeSpan.FromSeconds(30));
        limiter.Record(charge, 10 - 60); // it used 10, reported 30 s after it started
        _time.Advance(TimeSpan.FromSeconds(31)); // the charge has left the window; so must its refund
        Assert.Equal(TimeSpan.Zero, limiter.TryStart(100));
        Assert.Equal(TimeSpan.FromSeconds(60), limiter.TryStart(40), "100 tokens are in the minute: nothing more fits");
    }

    [Test]
    public void ARetryAfterHoldsEveryStartUntilItEndsAndIsNeverShortened()
    {
        var limiter = new LlmRateLimiter(null, _time);
        Assert.Null(limiter.HeldUntil);
        limiter.HoldFor(TimeSpan.FromSeconds(30));
        limiter.HoldFor(TimeSpan.FromSeconds(10));
        Assert.Equal(_time.GetUtcNow().AddSeconds(30), limiter.HeldUntil);
        Assert.Equal(TimeSpan.FromSeconds(30), limiter.TryStart(1));
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(TimeSpan.FromSeconds(1), limiter.TryStart(1));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.Zero, limiter.TryStart(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new LlmRateLimiter(new LlmRateLimits { RequestsPerMinute = 0 }, _time));
    }
}
