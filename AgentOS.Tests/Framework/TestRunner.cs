using System.Diagnostics;
using System.Globalization;

namespace AgentOS.Tests.Framework;

/// <summary>
/// The in-house runner: discovers [Test] methods, runs each on its own thread with a timeout, prints one line per
/// test and a summary whose last line is exactly <c>N passed, N failed</c> (with <c>, N skipped</c> when any were).
/// Exit codes: 0 when tests ran and none failed, 1 when any failed, 2 for a usage error or a filter matching nothing.
/// <c>--repeat N</c> runs the selection N times (each run counts on the last line); <c>--shuffle [SEED]</c> runs it in
/// a seeded random order and prints the seed, so an order-dependent failure can be replayed.
/// </summary>
internal static class TestRunner
{
    public static int Execute(string[] args)
    {
        int code = Run(args);
        Console.Out.Flush();
        Console.Error.Flush();
        // Ends the process even if an abandoned (timed-out) test thread is still running.
        Environment.Exit(code);
        return code;
    }

    private static int Run(string[] args)
    {
        if (RunnerOptions.Parse(args) is not { } options)
        {
            return 2;
        }
        if (options.Help)
        {
            Console.WriteLine(RunnerOptions.Usage);
            return 0;
        }
        TestEnvironment.Stress = options.Stress;
        string? filter = options.Filter;
        var all = TestCase.Discover(typeof(TestRunner).Assembly, options.Fixtures);
        var selected = all.Where(t => filter is null || t.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)).ToList();
        if (options.List)
        {
            foreach (var test in selected)
            {
                Console.WriteLine(test.IsStress ? test.Name + "  [stress]" : test.Name);
            }
            return 0;
        }

        var runnable = selected.Where(t => TestEnvironment.Stress || !t.IsStress).ToList();
        if (runnable.Count == 0)
        {
            Console.Error.WriteLine(selected.Count > 0
                ? $"filter '{filter}' matched only stress tests; add --stress to run them"
                : filter is null ? "no tests found" : $"filter '{filter}' matched no test (see --list)");
            return 2;
        }

        var stdout = OutputCapture.Install();
        return RunAll(runnable, options, stdout);
    }

    // With --repeat every run of a test is one result: the counts on the last line sum over the repeats.
    private static int RunAll(List<TestCase> tests, RunnerOptions options, TextWriter stdout)
    {
        stdout.WriteLine($"running {tests.Count} tests{(options.Repeat > 1 ? $" {options.Repeat} times" : "")}" +
                         $"{(TestEnvironment.Stress ? " (stress)" : "")}" +
                         $"{(TestEnvironment.RequireIntegration ? ", integration required" : "")}" +
                         $"{(TestEnvironment.IsOptimizedBuild ? "" : ", Debug build")}");
        if (options.Seed is { } seed)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"shuffle seed {seed} (the same order again: --shuffle {seed})"));
        }
        var random = options.Seed is { } s ? new Random(s) : null;
        var total = Stopwatch.StartNew();
        var results = new List<TestResult>();
        for (int pass = 1; pass <= options.Repeat; pass++)
        {
            if (options.Repeat > 1)
            {
                stdout.WriteLine($"repeat {pass} of {options.Repeat}");
            }
            foreach (var test in RunnerOptions.Order(tests, random))
            {
                var result = TestExecutor.Run(test) with { Repeat = options.Repeat > 1 ? pass : null };
                results.Add(result);
                Report(stdout, result);
            }
        }

        int passed = results.Count(r => r.Outcome == Outcome.Passed);
        int failed = results.Count(r => r.Outcome == Outcome.Failed);
        int skipped = results.Count(r => r.Outcome == Outcome.Skipped);

        stdout.WriteLine();
        if (failed > 0)
        {
            stdout.WriteLine("failures:");
            foreach (var result in results.Where(r => r.Outcome == Outcome.Failed))
            {
                stdout.WriteLine(FailureLine(result));
            }
            if (options.Repeat > 1)
            {
                // The flaky ones: a test that both passed and failed across the repeats.
                foreach (var test in results.GroupBy(r => r.Test.Name)
                             .Where(g => g.Any(r => r.Outcome == Outcome.Failed) && g.Any(r => r.Outcome == Outcome.Passed)))
                {
                    stdout.WriteLine($"flaky {test.Key}: failed {test.Count(r => r.Outcome == Outcome.Failed)} of {test.Count()} runs");
                }
            }
        }
        if (options.Seed is { } used && failed > 0)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"shuffle seed {used}"));
        }
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ran {results.Count} tests in {total.Elapsed.TotalSeconds:0.0} s"));
        stdout.WriteLine(skipped > 0 ? $"{passed} passed, {failed} failed, {skipped} skipped" : $"{passed} passed, {failed} failed");
        stdout.Flush();
        return failed > 0 ? 1 : 0;
    }

    private static void Report(TextWriter stdout, TestResult result)
    {
        string ms = string.Create(CultureInfo.InvariantCulture, $"{result.Elapsed.TotalMilliseconds:0} ms");
        switch (result.Outcome)
        {
            case Outcome.Passed:
                stdout.WriteLine($"PASS {Name(result)} ({ms})");
                break;
            case Outcome.Skipped:
                stdout.WriteLine($"SKIP {Name(result)}: {result.Message}");
                break;
            default:
                stdout.WriteLine(FailureLine(result));
                foreach (var line in result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    stdout.WriteLine("     | " + line.TrimEnd('\r'));
                }
                break;
        }
        stdout.Flush();
    }

    private static string Name(TestResult result) =>
        result.Repeat is { } pass ? $"{result.Test.Name} [repeat {pass}]" : result.Test.Name;

    // One line: the test, the reason, expected/actual when the assertion compared values, and where it failed.
    private static string FailureLine(TestResult result)
    {
        var line = $"FAIL {Name(result)}: {result.Message}";
        if (result.Expected is not null || result.Actual is not null)
        {
            line += $" | expected: {result.Expected} | actual: {result.Actual}";
        }
        if (result.Location is not null)
        {
            line += $" | at {result.Location}";
        }
        return line;
    }
}
