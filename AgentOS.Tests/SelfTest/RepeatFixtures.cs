using AgentOS.Tests.Framework;

namespace AgentOS.Tests.SelfTest;

/// <summary>Fixtures for <c>--repeat</c>: a pass, a skip, and a test that fails only on its second run (a flake).
/// Run only by <see cref="RunnerRepeatShuffleTests"/>.</summary>
[SelfTestFixture]
public sealed class RepeatFixtures
{
    private static int _runs;

    [Test]
    public void Passes() => Assert.True(true);

    [Test]
    [Skip("skipped on purpose")]
    public void IsSkipped() => Assert.Fail("a skipped test must not run");

    [Test]
    public void FailsOnItsSecondRun()
    {
        int run = Interlocked.Increment(ref _runs);
        Console.WriteLine($"run {run}");
        Assert.True(run != 2, "fails on its second run");
    }
}

/// <summary>Eight passing tests whose run order shows what <c>--shuffle</c> did.</summary>
[SelfTestFixture]
public sealed class OrderFixtures
{
    [Test]
    public void A() => Assert.True(true);

    [Test]
    public void B() => Assert.True(true);

    [Test]
    public void C() => Assert.True(true);

    [Test]
    public void D() => Assert.True(true);

    [Test]
    public void E() => Assert.True(true);

    [Test]
    public void F() => Assert.True(true);

    [Test]
    public void G() => Assert.True(true);

    [Test]
    public void H() => Assert.True(true);
}
