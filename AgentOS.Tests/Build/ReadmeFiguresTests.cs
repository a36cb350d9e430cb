using System.Text.Json;
using AgentOS.Bench.Harness;
using AgentOS.Bench.Readme;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Build;

/// <summary>
/// The README's headline table (<c>./build.sh bench readme</c>): every cell is computed from a bench run's results, the
/// table names the run it came from, a benchmark the run lacks is said to be missing rather than filled in, and the
/// rewrite touches only the marked block of the README. Expected strings are written out, not computed.
/// </summary>
public sealed class ReadmeFiguresTests
{
    private const string CommitA = "aaaaaaaaaaaa0000000000000000000000000001";
    private const string CommitB = "bbbbbbbbbbbb0000000000000000000000000002";
    private const string DateA = "2026-12-07T21:40:05.0000000+00:00";
    private const string DateB = "2026-12-07T22:05:00.0000000+00:00";

    private static BenchResult Result(string name, double median, double p99 = 0, string commit = CommitA, string date = DateA, bool quick = false,
        Dictionary<string, double>? ratios = null, Dictionary<string, double>? metrics = null) => new()
    {
        Name = name, Unit = "ns/op", Median = median, P99 = p99, OpsPerSec = 1e9 / median, Runs = 5,
        Ratios = ratios, Metrics = metrics, Commit = commit, Date = date, Quick = quick,
    };

    private static BenchReport Report(params BenchResult[] results) => new()
    {
        Context = new BenchContext
        {
            Machine = new BenchMachine { Processor = "Test CPU", Cores = 2, Os = "Linux" },
            Dotnet = ".NET 10.0.1", Commit = CommitA, Date = DateA,
        },
        Results = [.. results],
    };

    private static BenchResult[] SyscallResults(string commit = CommitA, string date = DateA, bool quick = false) =>
    [
        Result("syscall.roundtrip.1agent", 812.4, 3_191, commit, date, quick, new() { ["syscall.roundtrip.1agent.channel-baseline"] = 0.8312 }),
        Result("syscall.roundtrip.1agent.channel-baseline", 675.3, 2_004, commit, date, quick),
        Result("syscall.throughput.64agents", 1_250, commit: commit, date: date, quick: quick, ratios: new() { ["syscall.throughput.64agents.channel-baseline"] = 0.5267 }),
        Result("syscall.throughput.64agents.channel-baseline", 658.4, commit: commit, date: date, quick: quick),
    ];

    [Test]
    public void Every_cell_comes_from_the_run_and_the_table_names_it()
    {
        var (table, missing) = HeadlineTable.Render(Report(SyscallResults()));

        Assert.Contains("From one run of `./build.sh bench`: commit `aaaaaaaaaaaa`, 2026-12-07 21:40 UTC; Test CPU, 2 cores, Linux; .NET 10.0.1.", table);
        Assert.Contains("| syscall round trip, 1 agent, no-op LLM; access checks, budgets, audit and one event subscriber on | median 812 ns, p99 3.19 µs (0.831×) | Channel + TaskCompletionSource kernel: median 675 ns, p99 2 µs | median ≤ 1 µs, p99 ≤ 10 µs |", table);
        Assert.Contains("| syscalls/s, 64 agents, same configuration | 800,000 syscalls/s (0.527×) | Channel + TaskCompletionSource kernel: 1.52 M syscalls/s | ≥ 1.5 M/s and ≥ 0.5× |", table);

        // Rows whose benchmarks the run lacks say so, and are reported; none is filled from elsewhere.
        Assert.Contains("| MPSC ring, 1 / 2 / 4 producers | not measured in this run (ring.mpsc.p1 is not in this run) |", table);
        Assert.Equal(HeadlineRows.All.Count - 2, missing.Select(m => m[..m.IndexOf(':')]).Distinct().Count(), string.Join("\n", missing));
        Assert.True(table.StartsWith(HeadlineTable.Begin + "\n", StringComparison.Ordinal) && table.EndsWith(HeadlineTable.End, StringComparison.Ordinal), table);
    }

    [Test]
    public void Entries_from_two_runs_are_each_listed_and_every_row_names_its_runs()
    {
        var results = SyscallResults();
        results[2] = Result("syscall.throughput.64agents", 1_250, commit: CommitB, date: DateB, ratios: new() { ["syscall.throughput.64agents.channel-baseline"] = 0.5 });
        results[3] = Result("syscall.throughput.64agents.channel-baseline", 625, commit: CommitB, date: DateB);
        var (table, _) = HeadlineTable.Render(Report(results));

        Assert.Contains("From 2 runs of `./build.sh bench` (each row names its runs): [1] commit `aaaaaaaaaaaa`, 2026-12-07 21:40 UTC; [2] commit `bbbbbbbbbbbb`, 2026-12-07 22:05 UTC;", table);
        Assert.Contains("| syscall round trip, 1 agent, no-op LLM; access checks, budgets, audit and one event subscriber on [1] |", table);
        Assert.Contains("| syscalls/s, 64 agents, same configuration [2] | 800,000 syscalls/s (0.5×) | Channel + TaskCompletionSource kernel: 1.6 M syscalls/s |", table);
    }

    [Test]
    public void The_rewrite_replaces_only_the_marked_block_and_refuses_quick_results()
    {
        using var temp = new TempDirectory("agentos-readme-figures");
        string readme = temp.Combine("README.md"), results = temp.Combine("results.json");
        const string Before = "# Title\n\nprose before\n\n", After = "\n\nprose after\n";
        File.WriteAllText(readme, Before + HeadlineTable.Begin + "\n| old | table |\n" + HeadlineTable.End + After);

        File.WriteAllText(results, JsonSerializer.Serialize(Report(SyscallResults(quick: true)), BenchJsonContext.Default.BenchReport));
        Assert.Equal(2, ReadmeCommand.Run(["--results", results, "--readme", readme]));
        Assert.Contains("| old | table |", File.ReadAllText(readme), "a refused rewrite changes nothing");

        File.WriteAllText(results, JsonSerializer.Serialize(Report(SyscallResults()), BenchJsonContext.Default.BenchReport));
        Assert.Equal(0, ReadmeCommand.Run(["--results", results, "--readme", readme]));
        string text = File.ReadAllText(readme);
        Assert.True(text.StartsWith(Before + HeadlineTable.Begin + "\nFrom one run", StringComparison.Ordinal), text);
        Assert.True(text.EndsWith(HeadlineTable.End + After, StringComparison.Ordinal), text);
        Assert.DoesNotContain("| old | table |", text);
        Assert.Contains("median 812 ns, p99 3.19 µs (0.831×)", text);
    }
}
