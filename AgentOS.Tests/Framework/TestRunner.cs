using System.Diagnostics;
using System.Globalization;

namespace AgentOS.Tests.Framework;

/// <summary>
/// The in-house runner: discovers [Test] methods, runs each on its own thread with a timeout, prints one line per
/// test and a summary whose last line is exactly <c>N passed, N failed</c> (with <c>, N skipped</c> when any were).
/// Exit codes: 0 when tests ran and none failed, 1 when any failed, 2 for a usage error or a filter matching nothing.
/// </summary>
internal static class TestRunner
{
    private const string Usage = "usage: dotnet run --project AgentOS.Tests -c Release -- [--filter TEXT] [--list] [--stress]";

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
        string? filter = null;
        bool list = false;
        bool fixtures = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--filter" when i + 1 < args.Length:
                    filter = args[++i];
                    break;
                case "--list":
                    list = true;
                    break;
                case "--stress":
                    TestEnvironment.Stress = true;
                    break;
                case "--self-test-fixtures":
                    fixtures = true;
                    break;
                case "--help" or "-h":
                    Console.WriteLine(Usage);
                    return 0;
                default:
                    Console.Error.WriteLine($"unknown or incomplete argument '{args[i]}'");
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }

        var all = TestCase.Discover(typeof(TestRunner).Assembly, fixtures);
        var selected = all.Where(t => filter is null || t.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)).ToList();
        if (list)
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
        return RunAll(runnable, stdout);
    }

    private static int RunAll(List<TestCase> tests, TextWriter stdout)
    {
        stdout.WriteLine($"running {tests.Count} tests{(TestEnvironment.Stress ? " (stress)" : "")}" +
                         $"{(TestEnvironment.RequireIntegration ? ", integration required" : "")}" +
                         $"{(TestEnvironment.IsOptimizedBuild ? "" : ", Debug build")}");
        var total = Stopwatch.StartNew();
        var results = new List<TestResult>();
        foreach (var test in tests)
        {
            var result = TestExecutor.Run(test);
            results.Add(result);
            Report(stdout, result);
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
                stdout.WriteLine($"PASS {result.Test.Name} ({ms})");
                break;
            case Outcome.Skipped:
                stdout.WriteLine($"SKIP {result.Test.Name}: {result.Message}");
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

    // One line: the test, the reason, expected/actual when the assertion compared values, and where it failed.
    private static string FailureLine(TestResult result)
    {
        var line = $"FAIL {result.Test.Name}: {result.Message}";
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
