using System.Text.Json;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Build;

/// <summary>The bench's results file: a filtered run replaces only what it ran, and every entry says which run it came from.</summary>
public sealed class BenchResultsTests
{
    private const string OldCommit = "0123456789abcdef0123456789abcdef01234567";
    private const string OldDate = "2026-01-02T03:04:05.0000000+00:00";

    [Test(TimeoutSeconds = 300)]
    public async Task A_filtered_run_keeps_other_entries_with_their_own_commit_and_date()
    {
        using var temp = new TempDirectory("agentos-bench-results");
        string results = temp.Combine("results.json");
        await File.WriteAllTextAsync(results, $$"""
            {"context": {"machine": {"processor": "p", "cores": 2, "os": "o"}, "dotnet": "d", "commit": "{{OldCommit}}", "date": "{{OldDate}}", "quick": false},
             "results": [{"name": "zz.earlier", "unit": "ns/op", "median": 5, "runs": 3, "commit": "{{OldCommit}}", "date": "{{OldDate}}", "quick": false}]}
            """);

        using var bench = ChildProcess.StartDotnet(RepoPaths.BenchDll, ["heap.indexed.1k", "--quick"], temp.Path,
            new Dictionary<string, string?> { ["AGENTOS_BENCH_RESULTS"] = results });
        Assert.Equal(0, await bench.WaitForExitAsync(TimeSpan.FromMinutes(4)), bench.Stdout + "\n" + bench.Stderr);

        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(results));
        var context = report.RootElement.GetProperty("context");
        string runCommit = context.GetProperty("commit").GetString()!, runDate = context.GetProperty("date").GetString()!;
        Assert.NotEqual(OldDate, runDate);
        var entries = report.RootElement.GetProperty("results").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!);

        // The entry this run did not touch is exactly as it was, provenance included.
        var earlier = entries["zz.earlier"];
        Assert.Equal(OldCommit, earlier.GetProperty("commit").GetString());
        Assert.Equal(OldDate, earlier.GetProperty("date").GetString());
        Assert.Equal(5.0, earlier.GetProperty("median").GetDouble());

        // What it ran (the benchmark and its baseline) carries this run's commit, date and quick flag.
        foreach (var name in new[] { "heap.indexed.1k", "heap.priorityqueue.1k" })
        {
            Assert.True(entries.ContainsKey(name), $"{name} missing from {results}");
            Assert.Equal(runCommit, entries[name].GetProperty("commit").GetString());
            Assert.Equal(runDate, entries[name].GetProperty("date").GetString());
            Assert.True(entries[name].GetProperty("quick").GetBoolean(), "a --quick run is marked quick");
        }
    }

    [Test(TimeoutSeconds = 300)]
    public async Task A_failing_benchmark_ends_only_its_group_and_the_run_exits_non_zero()
    {
        using var temp = new TempDirectory("agentos-bench-failure");
        string results = temp.Combine("results.json");
        using var bench = ChildProcess.StartDotnet(RepoPaths.BenchDll, ["heap.indexed", "--quick"], temp.Path,
            new Dictionary<string, string?> { ["AGENTOS_BENCH_RESULTS"] = results, ["AGENTOS_BENCH_FAIL"] = "heap.indexed.100k" });
        Assert.Equal(1, await bench.WaitForExitAsync(TimeSpan.FromMinutes(4)), bench.Stdout + "\n" + bench.Stderr);
        Assert.Contains("FAILED heap.indexed.100k, heap.priorityqueue.100k", bench.Stderr);
        Assert.Contains("1 benchmark group(s) failed", bench.Stderr);

        // The failing group runs first (groups run in name order); the other ran after it and was written, the failed one was not.
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(results));
        var names = report.RootElement.GetProperty("results").EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToHashSet();
        Assert.True(names.SetEquals(["heap.indexed.1k", "heap.priorityqueue.1k"]), string.Join(", ", names));
    }
}
