using System.Text.RegularExpressions;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.SelfTest;

/// <summary><c>--repeat</c> and <c>--shuffle</c>, run for real in a child process against the fixtures.</summary>
public sealed partial class RunnerRepeatShuffleTests
{
    private static string TestsDll => typeof(RunnerRepeatShuffleTests).Assembly.Location;

    private static readonly string[] Sorted = ["A", "B", "C", "D", "E", "F", "G", "H"];

    [Test]
    public async Task RepeatRunsEveryTestNTimesAndTheCountsSum()
    {
        using var child = ChildProcess.StartDotnet(TestsDll, ["--self-test-fixtures", "--filter", "RepeatFixtures", "--repeat", "3"]);
        Assert.Equal(1, await child.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var lines = child.StdoutLines;
        // 3 runs of 3 tests: Passes 3 times, FailsOnItsSecondRun passes twice and fails once, IsSkipped 3 skips.
        Assert.Equal("5 passed, 1 failed, 3 skipped", lines[^1]);
        Assert.Equal(3, lines.Count(l => l.StartsWith("PASS SelfTest.RepeatFixtures.Passes [repeat ", StringComparison.Ordinal)));
        Assert.SequenceEqual(["repeat 1 of 3", "repeat 2 of 3", "repeat 3 of 3"], lines.Where(l => l.StartsWith("repeat ", StringComparison.Ordinal)));
        Assert.Contains("FAIL SelfTest.RepeatFixtures.FailsOnItsSecondRun [repeat 2]: fails on its second run", child.Stdout);
        Assert.Contains("     | run 2", child.Stdout);
        Assert.Contains("flaky SelfTest.RepeatFixtures.FailsOnItsSecondRun: failed 1 of 3 runs", lines);
        Assert.Equal("ran 9 tests in", Regex.Replace(lines[^2], @" [0-9.]+ s$", ""));
    }

    [Test]
    public async Task OneRepeatIsAPlainRun()
    {
        using var child = ChildProcess.StartDotnet(TestsDll, ["--self-test-fixtures", "--filter", "RepeatFixtures.Passes", "--repeat", "1"]);
        Assert.Equal(0, await child.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal("1 passed, 0 failed", child.StdoutLines[^1]);
        Assert.Contains("PASS SelfTest.RepeatFixtures.Passes (", child.Stdout);
        Assert.DoesNotContain("repeat 1 of 1", child.StdoutLines);
    }

    [Test]
    public async Task ARepeatCountThatIsNotAPositiveNumberIsAUsageError()
    {
        foreach (var bad in new[] { "0", "-1", "x" })
        {
            using var child = ChildProcess.StartDotnet(TestsDll, ["--repeat", bad]);
            Assert.Equal(2, await child.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"--repeat {bad}");
            Assert.Contains($"--repeat needs a whole number of runs, 1 or more (got '{bad}')", child.Stderr);
            Assert.Contains("usage:", child.Stderr);
        }
    }

    [Test]
    public async Task TheSameSeedGivesTheSameOrderAndPrintsIt()
    {
        var first = await OrderAsync("--shuffle", "42");
        var again = await OrderAsync("--shuffle", "42");
        var other = await OrderAsync("--shuffle", "43");
        Assert.Equal("shuffle seed 42 (the same order again: --shuffle 42)", first.SeedLine);
        Assert.SequenceEqual(first.Order, again.Order, "the same seed, the same order");
        Assert.SequenceEqual(Sorted, first.Order.Order(), "every test ran once");
        Assert.False(first.Order.SequenceEqual(Sorted), $"seed 42 shuffles: {string.Join(" ", first.Order)}");
        Assert.False(first.Order.SequenceEqual(other.Order), $"seeds 42 and 43 give different orders: {string.Join(" ", first.Order)}");
    }

    /// <summary>Without a seed the runner draws one and prints it; running with that seed replays the order.</summary>
    [Test]
    public async Task ADrawnSeedIsPrintedAndReplaysTheOrder()
    {
        var drawn = await OrderAsync("--shuffle");
        var match = SeedLine().Match(drawn.SeedLine);
        Assert.True(match.Success, $"a seed line: {drawn.SeedLine}");
        var replayed = await OrderAsync("--shuffle", match.Groups[1].Value);
        Assert.SequenceEqual(drawn.Order, replayed.Order);
    }

    /// <summary>Each repeat of a shuffled run gets its own order, and the seed replays all of them.</summary>
    [Test]
    public async Task RepeatsOfAShuffledRunEachGetAnOrderTheSeedReplays()
    {
        var first = await OrderAsync("--shuffle", "7", "--repeat", "3");
        var again = await OrderAsync("--shuffle", "7", "--repeat", "3");
        Assert.Equal(24, first.Order.Count);
        Assert.SequenceEqual(first.Order, again.Order);
        Assert.False(first.Order.Take(8).SequenceEqual(first.Order.Skip(8).Take(8)), "the second repeat is reshuffled");
    }

    private static async Task<(string SeedLine, List<string> Order)> OrderAsync(params string[] options)
    {
        using var child = ChildProcess.StartDotnet(TestsDll, ["--self-test-fixtures", "--filter", "OrderFixtures", .. options]);
        Assert.Equal(0, await child.WaitForExitAsync(TimeSpan.FromSeconds(60)), child.Stdout + child.Stderr);
        var order = child.StdoutLines.Select(l => PassLine().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        return (child.StdoutLines.Single(l => l.StartsWith("shuffle seed ", StringComparison.Ordinal)), order);
    }

    [GeneratedRegex(@"^PASS SelfTest\.OrderFixtures\.([A-H])[ ]")]
    private static partial Regex PassLine();

    [GeneratedRegex(@"^shuffle seed (-?[0-9]+) \(the same order again: --shuffle \1\)$")]
    private static partial Regex SeedLine();
}
