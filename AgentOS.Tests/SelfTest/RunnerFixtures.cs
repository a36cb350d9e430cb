using AgentOS.Tests.Framework;

namespace AgentOS.Tests.SelfTest;

/// <summary>
/// Deliberately broken tests. Only <c>--self-test-fixtures</c> discovers them; <see cref="RunnerSelfTests"/> runs them
/// in a child process and checks how the runner reports each one.
/// </summary>
[SelfTestFixture]
public sealed class RunnerFixtures
{
    [Test]
    public void Passes() => Assert.Equal(4, 2 + 2);

    [Test]
    public void FailsAnAssertion()
    {
        Console.WriteLine("output of the failing test");
        Assert.Equal("expected text", "actual text");
    }

    [Test(TimeoutSeconds = 2)]
    public void LoopsForever()
    {
        while (true)
        {
            Thread.SpinWait(1000);
        }
    }

    [Test(TimeoutSeconds = 2)]
    public async Task NeverCompletes() => await new TaskCompletionSource().Task;

    [Test]
    [Skip("skipped on purpose")]
    public void IsSkipped() => Assert.Fail("a skipped test must not run");
}
