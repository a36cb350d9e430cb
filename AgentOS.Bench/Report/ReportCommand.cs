using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using AgentOS.Bench.Harness;
using AgentOS.Bench.Report.Sections;

namespace AgentOS.Bench.Report;

/// <summary>
/// <c>dotnet run --project AgentOS.Bench -c Release -- report [--quick] [--out DIR] [--sections a,b]</c> (and
/// <c>./build.sh report</c>): runs the comparison suite and writes docs/report/ — README.md, charts/*.svg and
/// results.json — every figure measured in this run. <c>--tiny</c> is the tests' smallest form.
/// </summary>
internal static class ReportCommand
{
    public const string Usage = "usage: dotnet run --project AgentOS.Bench -c Release -- report [--quick] [--out DIR] [--sections " + AllSections + "]";
    private const string AllSections = "syscall,scale,scheduling,storage,tokens,roundtrips,peers,opportunities";

    public static int Run(string[] args)
    {
        var size = ReportSize.Full;
        string root = BenchRunner.FindRoot();
        string output = Path.Combine(root, "docs", "report");
        var sections = AllSections.Split(',').ToList();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    size = ReportSize.Quick;
                    break;
                case "--tiny":
                    size = ReportSize.Tiny;
                    break;
                case "--out" when i + 1 < args.Length:
                    output = Path.GetFullPath(args[++i]);
                    break;
                case "--sections" when i + 1 < args.Length:
                    sections = [.. args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
                    if (sections.FirstOrDefault(s => !AllSections.Split(',').Contains(s)) is { } unknown)
                    {
                        Console.Error.WriteLine($"unknown section '{unknown}' (sections: {AllSections})");
                        return 2;
                    }
                    break;
                case "--help" or "-h":
                    Console.WriteLine(Usage);
                    return 0;
                default:
                    Console.Error.WriteLine($"unknown argument '{args[i]}'");
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }

        var document = new ReportDocument
        {
            Commit = BenchRunner.GitCommit(root),
            Date = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            Machine = $"{BenchRunner.Processor()}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}",
            Dotnet = RuntimeInformation.FrameworkDescription,
            Quick = size != ReportSize.Full,
        };
        // A fresh folder: no chart of an earlier run may sit beside this run's figures.
        if (Directory.Exists(Path.Combine(output, "charts")))
        {
            Directory.Delete(Path.Combine(output, "charts"), recursive: true);
        }
        Directory.CreateDirectory(output);
        var builder = new ReportBuilder(output, document, size);
        Console.WriteLine($"report ({size.ToString().ToLowerInvariant()}) into {output}: {string.Join(", ", sections)}");

        var steps = new (string Name, Action Run)[]
        {
            ("syscall", () => BenchSections.Syscalls(builder)),
            ("scale", () => ScaleSection.Run(builder)),
            ("scheduling", () => SchedulingSection.Run(builder)),
            ("storage", () => BenchSections.Storage(builder)),
            ("tokens", () => BenchSections.Tokens(builder)),
            ("roundtrips", () => BenchSections.RoundTrips(builder)),
            ("peers", () => PeersSection.Run(builder, root)),
            ("opportunities", () => OpportunitiesSection.Run(builder)),
        };
        foreach (var (name, run) in steps.Where(s => sections.Contains(s.Name)))
        {
            run();
        }
        foreach (var name in AllSections.Split(',').Where(s => !sections.Contains(s)))
        {
            builder.NotRun.Add(($"section {name}", "not selected (--sections)"));
        }

        File.WriteAllText(Path.Combine(output, "results.json"), JsonSerializer.Serialize(document, ReportJsonContext.Default.ReportDocument));
        File.WriteAllText(Path.Combine(output, "README.md"), MarkdownReport.Render(builder));
        Console.WriteLine();
        Console.WriteLine($"wrote {Path.Combine(output, "README.md")}, {Path.Combine(output, "results.json")} and {document.Charts.Count} charts");

        var missingPeers = document.Peers.Where(p => p.NotRunReason is not null).ToList();
        if (missingPeers.Count > 0 && Environment.GetEnvironmentVariable("AGENTOS_REQUIRE_INTEGRATION") == "1")
        {
            Console.Error.WriteLine("AGENTOS_REQUIRE_INTEGRATION=1 and peers did not run: " + string.Join("; ", missingPeers.Select(p => $"{p.Name} ({p.Mode}): {p.NotRunReason}")));
            return 1;
        }
        return 0;
    }
}
