using System.Text.Json;
using AgentOS.Bench.Harness;

namespace AgentOS.Bench.Readme;

/// <summary>
/// <c>./build.sh bench readme [--results FILE] [--readme FILE] [--print] [--allow-quick]</c>: rewrites the README's
/// "Measured" table (between <see cref="HeadlineTable.Begin"/> and <see cref="HeadlineTable.End"/>) from a bench run's
/// results.json, so every headline figure is one a run printed and the table says which run.
/// </summary>
public static class ReadmeCommand
{
    private const string Usage = "usage: dotnet run --project AgentOS.Bench -c Release -- readme [--results FILE] [--readme FILE] [--print] [--allow-quick]";

    public static int Run(string[] args)
    {
        string root = BenchRunner.FindRoot();
        string results = Environment.GetEnvironmentVariable(BenchRunner.ResultsVariable) is { Length: > 0 } chosen
            ? chosen
            : Path.Combine(root, "artifacts", "bench", "results.json");
        string readme = Path.Combine(root, "README.md");
        bool print = false, allowQuick = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--results" when i + 1 < args.Length:
                    results = args[++i];
                    break;
                case "--readme" when i + 1 < args.Length:
                    readme = args[++i];
                    break;
                case "--print":
                    print = true;
                    break;
                case "--allow-quick":
                    allowQuick = true;
                    break;
                default:
                    Console.Error.WriteLine($"unknown argument '{args[i]}'\n{Usage}");
                    return 2;
            }
        }

        if (!File.Exists(results))
        {
            Console.Error.WriteLine($"no bench results at {results}: run `./build.sh bench` first (the README's figures come from a full run)");
            return 2;
        }
        var report = JsonSerializer.Deserialize(File.ReadAllText(results), BenchJsonContext.Default.BenchReport)
                     ?? throw new JsonException($"{results} is empty");
        var (table, missing) = HeadlineTable.Render(report);
        foreach (var row in missing)
        {
            Console.Error.WriteLine("missing: " + row);
        }
        if (!allowQuick && report.Results.Any(r => r.Quick == true))
        {
            Console.Error.WriteLine($"{results} holds results of a --quick run (shrunk sizes and runs): the README quotes full runs. " +
                                    "Run `./build.sh bench` without --quick, or pass --allow-quick to write them anyway (marked as quick).");
            return 2;
        }
        if (print)
        {
            Console.WriteLine(table);
            return 0;
        }

        string text = File.ReadAllText(readme);
        int begin = text.IndexOf(HeadlineTable.BeginPrefix, StringComparison.Ordinal);
        int end = begin < 0 ? -1 : text.IndexOf(HeadlineTable.End, begin, StringComparison.Ordinal);
        if (begin < 0 || end < 0)
        {
            Console.Error.WriteLine($"{readme} has no block between '{HeadlineTable.Begin}' and '{HeadlineTable.End}' to rewrite");
            return 2;
        }
        File.WriteAllText(readme, text[..begin] + table + text[(end + HeadlineTable.End.Length)..]);
        Console.WriteLine($"wrote the headline figures of {results} into {readme} ({HeadlineRows.All.Count} rows, {missing.Count} not measured)");
        return 0;
    }
}
