using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.SelfTest;

/// <summary>The runner tested for real: it runs <see cref="RunnerFixtures"/> in a child process.</summary>
public sealed class RunnerSelfTests
{
    private static string TestsDll => typeof(RunnerSelfTests).Assembly.Location;

    [Test]
    public async Task FixtureRunReportsEachOutcomeAndExitsWithinItsTimeouts()
    {
        using var child = ChildProcess.StartDotnet(TestsDll, ["--self-test-fixtures", "--filter", "RunnerFixtures"]);
        // Two 2-second timeouts plus start-up; the bound proves a stuck test cannot hang the run.
        int exitCode = await child.WaitForExitAsync(TimeSpan.FromSeconds(45));
        var lines = child.StdoutLines;

        Assert.Equal("1 passed, 3 failed, 1 skipped", lines[^1]);
        Assert.Equal(1, exitCode);

        var failures = lines.Where(l => l.StartsWith("FAIL ", StringComparison.Ordinal)).ToList();
        var assertion = failures.First(l => l.Contains("RunnerFixtures.FailsAnAssertion", StringComparison.Ordinal));
        Assert.Contains("strings differ at index 0", assertion);
        Assert.Contains("expected: ⟨expected text⟩", assertion);
        Assert.Contains("actual: ⟨actual text⟩", assertion);
        Assert.Contains("at RunnerFixtures.cs:", assertion);
        Assert.Contains("timed out after 2 s", failures.First(l => l.Contains("RunnerFixtures.LoopsForever", StringComparison.Ordinal)));
        Assert.Contains("timed out after 2 s", failures.First(l => l.Contains("RunnerFixtures.NeverCompletes", StringComparison.Ordinal)));
        Assert.Contains("SKIP SelfTest.RunnerFixtures.IsSkipped: skipped on purpose", child.Stdout);
        Assert.Contains("PASS SelfTest.RunnerFixtures.Passes", child.Stdout);
        // The failing test's console output is captured and shown under its failure, not interleaved elsewhere.
        Assert.Contains("     | output of the failing test", child.Stdout);
    }

    [Test]
    public async Task FilterMatchingNothingIsAUsageError()
    {
        using var child = ChildProcess.StartDotnet(TestsDll, ["--filter", "no-test-has-this-name-3f9a"]);
        Assert.Equal(2, await child.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("matched no test", child.Stderr);
    }

    [Test]
    public async Task UnknownArgumentIsAUsageError()
    {
        using var child = ChildProcess.StartDotnet(TestsDll, ["--no-such-flag"]);
        Assert.Equal(2, await child.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("usage:", child.Stderr);
    }

    [Test]
    public async Task ListPrintsNamesAndExitsZero()
    {
        using var child = ChildProcess.StartDotnet(TestsDll, ["--list", "--filter", "RunnerSelfTests"]);
        Assert.Equal(0, await child.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("SelfTest.RunnerSelfTests.ListPrintsNamesAndExitsZero", child.StdoutLines);
        Assert.DoesNotContain("SelfTest.RunnerFixtures.Passes", child.StdoutLines);
    }

    [Test]
    public async Task RequirementSkipFailsOnlyWhenIntegrationIsRequired()
    {
        var relaxed = new Dictionary<string, string?> { ["AGENTOS_REQUIRE_INTEGRATION"] = "0" };
        using (var child = ChildProcess.StartDotnet(TestsDll, ["--self-test-fixtures", "--filter", "RequirementFixtures"], environment: relaxed))
        {
            Assert.Equal(0, await child.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal("0 passed, 0 failed, 2 skipped", child.StdoutLines[^1]);
        }

        var strict = new Dictionary<string, string?> { ["AGENTOS_REQUIRE_INTEGRATION"] = "1" };
        using (var child = ChildProcess.StartDotnet(TestsDll, ["--self-test-fixtures", "--filter", "RequirementFixtures"], environment: strict))
        {
            Assert.Equal(1, await child.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal("0 passed, 2 failed", child.StdoutLines[^1]);
            Assert.Contains("requirement unmet under AGENTOS_REQUIRE_INTEGRATION=1: needs 'agentos-no-such-command' on PATH", child.Stdout);
        }
    }
}

/// <summary>Unmet requirements, declared up front and from inside; run only by <see cref="RunnerSelfTests"/>.</summary>
[SelfTestFixture]
public sealed class RequirementFixtures
{
    [Test]
    [RequiresCommand("agentos-no-such-command")]
    public void NeedsACommand() => Assert.Fail("must not run");

    [Test]
    public void NeedsAVariable() => Requirements.Env("AGENTOS_TEST_NO_SUCH_VARIABLE");
}
