using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace AgentOS.Bench.Harness;

/// <summary>
/// The in-house stopwatch bench: <c>dotnet run --project AgentOS.Bench -c Release -- [filter] [--quick] [--list]</c>.
/// Compared benchmarks (a benchmark and its baselines) run interleaved in one process; results go to the console and
/// to <c>artifacts/bench/results.json</c>, where a filtered run replaces only the entries it ran.
/// </summary>
internal static partial class BenchRunner
{
    private const string Usage = "usage: dotnet run --project AgentOS.Bench -c Release -- [filter] [--quick] [--list]";
    private const int SampleBufferLength = 1 << 20;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static int Execute(string[] args)
    {
        string? filter = null;
        bool quick = false;
        bool list = false;
        foreach (var arg in args)
        {
            switch (arg)
            {
                case "--quick":
                    quick = true;
                    break;
                case "--list":
                    list = true;
                    break;
                case "--help" or "-h":
                    Console.WriteLine(Usage);
                    return 0;
                case var a when a.StartsWith('-') || filter is not null:
                    Console.Error.WriteLine($"unknown argument '{a}'");
                    Console.Error.WriteLine(Usage);
                    return 2;
                default:
                    filter = arg;
                    break;
            }
        }

        var all = BenchCase.Discover(typeof(BenchRunner).Assembly);
        var selected = all.Where(c => filter is null || c.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)).ToList();
        if (selected.Count == 0)
        {
            Console.Error.WriteLine($"filter '{filter}' matched no benchmark (see --list)");
            return 2;
        }
        if (list)
        {
            foreach (var c in selected)
            {
                Console.WriteLine(c.Baselines.Count > 0 ? $"{c.Name}  (vs {string.Join(", ", c.Baselines)})" : c.Name);
            }
            return 0;
        }

        var groups = Group(all, selected);
        var results = new List<BenchResult>();
        var failures = new List<string>();
        var buffer = new long[SampleBufferLength];
        Console.WriteLine($"{groups.Sum(g => g.Count)} benchmarks in {groups.Count} groups{(quick ? " (quick)" : "")}");
        foreach (var group in groups)
        {
            string names = string.Join(", ", group.Select(c => c.Name));
            try
            {
                results.AddRange(RunGroup(group, quick, buffer));
            }
            catch (BenchSkippedException skipped)
            {
                Console.WriteLine($"  skipped {names}: {skipped.Message}");
            }
            catch (Exception failed)
            {
                // One benchmark that fails (a peer process that died, a check that did not hold) must not throw away
                // the hour of results a full run has gathered: the group is reported as failed, the run goes on, and
                // the exit code says it failed.
                Console.Error.WriteLine($"  FAILED {names}: {failed}");
                failures.Add($"{names}: {failed.GetType().Name}: {failed.Message}");
            }
        }
        if (results.Count > 0)
        {
            PrintTable(results);
            var path = WriteReport(results, quick);
            Console.WriteLine($"wrote {path}");
        }
        if (failures.Count > 0)
        {
            Console.Error.WriteLine($"{failures.Count} benchmark group(s) failed; their results were not written:");
            foreach (var failure in failures)
            {
                Console.Error.WriteLine("  " + failure);
            }
            return 1;
        }
        if (results.Count == 0)
        {
            Console.Error.WriteLine("every selected benchmark was skipped");
            return 2;
        }
        return 0;
    }

    // Each selected benchmark with every benchmark it compares against, transitively, runs as one interleaved group.
    internal static List<List<BenchCase>> Group(List<BenchCase> all, List<BenchCase> selected)
    {
        var byName = all.ToDictionary(c => c.Name);
        var groups = new List<List<BenchCase>>();
        var placed = new HashSet<string>();
        foreach (var start in selected)
        {
            if (placed.Contains(start.Name))
            {
                continue;
            }
            var group = new List<BenchCase>();
            var pending = new Stack<BenchCase>([start]);
            while (pending.TryPop(out var c))
            {
                if (!placed.Add(c.Name))
                {
                    continue;
                }
                group.Add(c);
                foreach (var b in c.Baselines)
                {
                    pending.Push(byName[b]);
                }
                foreach (var dependent in selected.Where(s => s.Baselines.Contains(c.Name)))
                {
                    pending.Push(dependent);
                }
            }
            groups.Add([.. group.OrderBy(c => c.Name, StringComparer.Ordinal)]);
        }
        return groups;
    }

    internal static List<BenchResult> RunGroup(List<BenchCase> group, bool quick, long[] buffer)
    {
        int runs = quick ? 3 : group.Max(c => c.Attribute.Runs);
        int warmups = quick ? 1 : 2;
        var perRun = group.ToDictionary(c => c.Name, _ => new List<double>());
        var samples = group.ToDictionary(c => c.Name, _ => new List<double>());
        var totals = group.ToDictionary(c => c.Name, _ => (Ops: 0L, Ticks: 0L, Bytes: 0L));
        var metrics = group.ToDictionary(c => c.Name, _ => new Dictionary<string, double>());

        var skippedCases = new List<BenchCase>();
        for (int round = 0; round < warmups + runs; round++)
        {
            if (round == 1 && skippedCases.Count > 0)
            {
                group = [.. group.Except(skippedCases)];
                if (group.Count == 0)
                {
                    throw new BenchSkippedException("every benchmark of the group was skipped");
                }
            }
            // Each round starts one later in the group, so no benchmark always runs first (on a cold cache, a fresh
            // folder, a file system that has not yet settled from the previous group's writes).
            for (int i = 0; i < group.Count; i++)
            {
                var c = group[(i + round) % group.Count];
                if (!Console.IsOutputRedirected)
                {
                    Console.Write($"\r  {c.Name} run {round + 1}/{warmups + runs}   ");
                }
                var run = new BenchRun(quick, c.Attribute.MultiThreaded, buffer);
                try
                {
                    c.Invoke(run);
                }
                catch (BenchSkippedException skipped) when (round == 0 && group.Count > 1)
                {
                    // A comparison whose baseline cannot run here (a peer not installed) still measures the rest,
                    // without that ratio; the reason is printed.
                    Console.WriteLine($"  skipped {c.Name}: {skipped.Message}");
                    skippedCases.Add(c);
                    continue;
                }
                if (run.ElapsedTicks < 0 || run.Operations <= 0)
                {
                    throw new InvalidOperationException($"benchmark {c.Name} must call Start() and Stop(operations > 0)");
                }
                if (round < warmups)
                {
                    continue;
                }
                perRun[c.Name].Add(TicksToNs(run.ElapsedTicks) / run.Operations);
                foreach (var (metric, value) in run.Metrics)
                {
                    metrics[c.Name][metric] = value;
                }
                foreach (var s in run.Samples)
                {
                    samples[c.Name].Add(TicksToNs(s));
                }
                var t = totals[c.Name];
                totals[c.Name] = (t.Ops + run.Operations, t.Ticks + run.ElapsedTicks, t.Bytes + run.AllocatedBytes);
            }
        }
        if (!Console.IsOutputRedirected)
        {
            Console.Write("\r" + new string(' ', 72) + "\r");
        }
        Console.WriteLine($"  ran {string.Join(", ", group.Select(c => c.Name))} ({runs} runs each, interleaved)");

        var results = new Dictionary<string, BenchResult>();
        foreach (var c in group)
        {
            var values = c.Attribute.Kind == BenchKind.Latency ? samples[c.Name] : perRun[c.Name];
            if (values.Count == 0)
            {
                throw new InvalidOperationException($"latency benchmark {c.Name} recorded no samples (call run.Record per operation)");
            }
            values.Sort();
            var sorted = values.ToArray().AsSpan();
            var (ops, ticks, bytes) = totals[c.Name];
            results[c.Name] = new BenchResult
            {
                Name = c.Name,
                Unit = c.Unit,
                Min = sorted[0],
                Median = Statistics.Median(sorted),
                P99 = Statistics.Percentile(sorted, 99),
                Max = sorted[^1],
                OpsPerSec = c.Attribute.Kind == BenchKind.Latency ? ops / (TicksToNs(ticks) / 1e9) : 1e9 / Statistics.Median(sorted),
                BytesPerOp = (double)bytes / ops,
                Runs = runs,
                Metrics = metrics[c.Name].Count > 0 ? metrics[c.Name] : null,
            };
        }
        foreach (var c in group.Where(c => c.Baselines.Any(results.ContainsKey)))
        {
            var result = results[c.Name];
            var measured = c.Baselines.Where(results.ContainsKey).ToList();
            result.Ratios = measured.ToDictionary(b => b, b => results[b].Median / result.Median);
            result.Baseline = measured[0];
            result.Ratio = result.Ratios[measured[0]];
        }
        return [.. group.Select(c => results[c.Name])];
    }

    private static double TicksToNs(long ticks) => ticks * 1e9 / Stopwatch.Frequency;

    internal static void PrintTable(List<BenchResult> results)
    {
        int width = Math.Max(24, results.Max(r => r.Name.Length) + 2);
        Console.WriteLine();
        Console.WriteLine($"{"benchmark".PadRight(width)}{"unit",-26}{"min",11}{"median",11}{"p99",11}{"max",11}{"ops/s",14}{"B/op",8}  vs baseline");
        foreach (var r in results)
        {
            var vs = r.Ratios is null ? "" : string.Join(", ", r.Ratios.Select(kv => $"{kv.Value.ToString("0.00", Invariant)}x {kv.Key}"));
            Console.WriteLine($"{r.Name.PadRight(width)}{r.Unit,-26}{Ns(r.Min),11}{Ns(r.Median),11}{Ns(r.P99),11}{Ns(r.Max),11}" +
                              $"{r.OpsPerSec.ToString("N0", Invariant),14}{r.BytesPerOp.ToString("0.#", Invariant),8}  {vs}");
        }
        foreach (var r in results.Where(r => r.Metrics is not null))
        {
            Console.WriteLine($"{r.Name}: {string.Join(", ", r.Metrics!.Select(kv => $"{kv.Key} = {kv.Value.ToString("N1", Invariant)}"))}");
        }
        Console.WriteLine("ratio = baseline's median time / this one's (above 1: faster than the baseline)");
    }

    private static string Ns(double ns) => ns switch
    {
        < 10 => ns.ToString("0.00", Invariant),
        < 100_000 => ns.ToString("0.0", Invariant),
        _ => ns.ToString("0", Invariant),
    };

    /// <summary>Where results go instead of <c>artifacts/bench/results.json</c> (tests use it to leave that file alone).</summary>
    public const string ResultsVariable = "AGENTOS_BENCH_RESULTS";

    private static string WriteReport(List<BenchResult> results, bool quick)
    {
        var root = FindRoot();
        var path = Environment.GetEnvironmentVariable(ResultsVariable) is { Length: > 0 } chosen
            ? Path.GetFullPath(chosen)
            : Path.Combine(root, "artifacts", "bench", "results.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string commit = GitCommit(root), date = DateTimeOffset.UtcNow.ToString("O", Invariant);
        foreach (var result in results)
        {
            (result.Commit, result.Date, result.Quick) = (commit, date, quick);
        }

        var merged = new List<BenchResult>();
        if (File.Exists(path))
        {
            try
            {
                var previous = JsonSerializer.Deserialize(File.ReadAllText(path), BenchJsonContext.Default.BenchReport);
                merged.AddRange(previous?.Results.Where(p => results.All(r => r.Name != p.Name)) ?? []);
            }
            catch (JsonException ex)
            {
                Console.Error.WriteLine($"ignoring unreadable {path}: {ex.Message}");
            }
        }
        merged.AddRange(results);
        merged.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));

        var report = new BenchReport
        {
            Context = new BenchContext
            {
                Machine = new BenchMachine { Processor = Processor(), Cores = Environment.ProcessorCount, Os = RuntimeInformation.OSDescription },
                Dotnet = RuntimeInformation.FrameworkDescription,
                Commit = commit,
                Date = date,
                Quick = quick,
            },
            Results = merged,
        };
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(report, BenchJsonContext.Default.BenchReport));
        File.Move(temp, path, overwrite: true);
        return path;
    }

    internal static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AgentOS.slnx")))
            {
                return dir.FullName;
            }
        }
        return Environment.CurrentDirectory;
    }

    internal static string Processor()
    {
        try
        {
            var model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (model is not null)
            {
                return model[(model.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    /// <summary>The checkout's commit, with <c>+changes</c> when tracked files differ from it: figures measured on an
    /// edited tree do not belong to the commit alone, and the README quotes only clean runs.</summary>
    internal static string GitCommit(string root)
    {
        try
        {
            var (exit, commit) = Git(root, "rev-parse", "HEAD");
            if (exit != 0 || commit.Length == 0)
            {
                return "unknown";
            }
            var (statusExit, changes) = Git(root, "status", "--porcelain", "--untracked-files=no");
            return statusExit == 0 && changes.Length > 0 ? commit + "+changes" : commit;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown (git not found)";
        }
    }

    private static (int Exit, string Output) Git(string root, params string[] args)
    {
        var info = new ProcessStartInfo("git", ["-C", root, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var git = Process.Start(info)!;
        var output = git.StandardOutput.ReadToEnd().Trim();
        git.WaitForExit();
        return (git.ExitCode, output);
    }
}
