namespace AgentOS.Tests.Framework;

internal enum Outcome
{
    Passed,
    Failed,
    Skipped,
}

/// <summary>How one test ended, with what it printed.</summary>
internal sealed record TestResult(TestCase Test, Outcome Outcome, string? Message, TimeSpan Elapsed, string Output)
{
    public string? Expected { get; init; }
    public string? Actual { get; init; }
    public string? Location { get; init; }

    /// <summary>Which pass of <c>--repeat</c> this result is from; null without repeats.</summary>
    public int? Repeat { get; init; }
}
