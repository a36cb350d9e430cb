using System.Globalization;

namespace AgentOS.Tests.Framework;

/// <summary>What the runner's command line asked for.</summary>
internal sealed class RunnerOptions
{
    public const string Usage =
        "usage: dotnet run --project AgentOS.Tests -c Release -- [--filter TEXT] [--list] [--stress] [--repeat N] [--shuffle [SEED]]";

    public string? Filter { get; private set; }

    public bool List { get; private set; }

    public bool Stress { get; private set; }

    public bool Help { get; private set; }

    public bool Fixtures { get; private set; }

    /// <summary><c>--repeat N</c>: the selected tests run N times over (default 1).</summary>
    public int Repeat { get; private set; } = 1;

    /// <summary><c>--shuffle [SEED]</c>: run in an order drawn from this seed instead of by name.</summary>
    public int? Seed { get; private set; }

    /// <summary>Parses <paramref name="args"/>; returns null and writes why (with the usage) to stderr when they are wrong.</summary>
    public static RunnerOptions? Parse(string[] args)
    {
        var options = new RunnerOptions();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--filter" when i + 1 < args.Length:
                    options.Filter = args[++i];
                    break;
                case "--list":
                    options.List = true;
                    break;
                case "--stress":
                    options.Stress = true;
                    break;
                case "--repeat" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int repeat) && repeat >= 1:
                    options.Repeat = repeat;
                    i++;
                    break;
                case "--shuffle":
                    // The seed is optional: a number right after the flag is the seed, anything else is the next option.
                    if (i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int seed))
                    {
                        options.Seed = seed;
                        i++;
                    }
                    else
                    {
                        options.Seed = Random.Shared.Next();
                    }
                    break;
                case "--self-test-fixtures":
                    options.Fixtures = true;
                    break;
                case "--help" or "-h":
                    options.Help = true;
                    break;
                default:
                    Console.Error.WriteLine(args[i] == "--repeat"
                        ? $"--repeat needs a whole number of runs, 1 or more (got '{(i + 1 < args.Length ? args[i + 1] : "")}')"
                        : $"unknown or incomplete argument '{args[i]}'");
                    Console.Error.WriteLine(Usage);
                    return null;
            }
        }
        return options;
    }

    /// <summary>
    /// The order of one pass: by name, or under <c>--shuffle</c> a Fisher–Yates shuffle driven by
    /// <paramref name="random"/> (seeded once per run, so each repeat gets its own order and the same seed replays
    /// every pass's order).
    /// </summary>
    public static List<TestCase> Order(List<TestCase> tests, Random? random)
    {
        var order = new List<TestCase>(tests);
        if (random is null)
        {
            return order;
        }
        for (int i = order.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
