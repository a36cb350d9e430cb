using System.Globalization;

namespace AgentOS.Llm.Simulation;

/// <summary>
/// LLM request traces: read from a CSV whose first three columns are arrival (ms), input tokens and output tokens
/// (Azure's LLM inference traces as kept in ../shared/data/traces), or generated when no trace is at hand.
/// </summary>
public static class LlmTrace
{
    /// <summary>The Azure conversation trace's file name under <c>shared/data/traces</c>.</summary>
    public const string AzureConversation = "azure-conv-2023.csv";

    /// <summary>Reads a trace CSV (a header line, then <c>arrival_ms,input_tokens,output_tokens[,...]</c>).</summary>
    /// <param name="path">The file.</param>
    /// <param name="limit">Read at most this many requests.</param>
    /// <exception cref="FormatException">A line is not three numbers, or arrivals go back in time.</exception>
    public static IReadOnlyList<TraceRequest> ReadCsv(string path, int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var requests = new List<TraceRequest>();
        int lineNumber = 0;
        TimeSpan last = TimeSpan.Zero;
        foreach (var line in File.ReadLines(path))
        {
            if (lineNumber++ == 0 || line.Length == 0)
            {
                continue;
            }
            if (requests.Count == limit)
            {
                break;
            }
            var fields = line.Split(',', 4);
            if (fields.Length < 3
                || !double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double ms)
                || !int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int input)
                || !int.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out int output)
                || ms < 0 || input < 0 || output < 0)
            {
                throw new FormatException($"{path}:{lineNumber}: expected arrival_ms,input_tokens,output_tokens (non-negative numbers), got '{line}'.");
            }
            var arrival = TimeSpan.FromMilliseconds(ms);
            if (arrival < last)
            {
                throw new FormatException($"{path}:{lineNumber}: arrival {ms} ms is earlier than the line before; a trace is in arrival order.");
            }
            last = arrival;
            requests.Add(new TraceRequest(arrival, input, output));
        }
        return requests;
    }

    /// <summary>
    /// A built-in pattern for when no trace is at hand: Poisson arrivals at 5.5 requests/s and log-normal lengths
    /// with the Azure conversation trace's means (input about 1,150 tokens, output about 210, capped at 1,000).
    /// Deterministic for a given <paramref name="seed"/>.
    /// </summary>
    public static IReadOnlyList<TraceRequest> Synthetic(int count, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var random = new Random(seed);
        var requests = new List<TraceRequest>(count);
        double t = 0;
        for (int i = 0; i < count; i++)
        {
            requests.Add(new TraceRequest(TimeSpan.FromSeconds(t), (int)Math.Min(8_000, LogNormal(random, Math.Log(800), 0.85)), (int)Math.Clamp(LogNormal(random, Math.Log(150), 0.8), 1, 1_000)));
            t += -Math.Log(1 - random.NextDouble()) / 5.5;
        }
        return requests;
    }

    /// <summary>A log-normal draw: exp(mu + sigma·z), z standard normal (Box–Muller).</summary>
    public static double LogNormal(Random random, double mu, double sigma)
    {
        ArgumentNullException.ThrowIfNull(random);
        double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
        double z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        return Math.Exp(mu + sigma * z);
    }

    /// <summary>The environment variable that names the shared data folder outright (the folder holding
    /// <c>traces/</c> and <c>models/</c>); when set, nothing else is searched.</summary>
    public const string SharedDataVariable = "AGENTOS_SHARED_DATA";

    /// <summary>Finds <c>shared/data/&lt;relative&gt;</c> beside the working directory or the program, walking up
    /// (or under <see cref="SharedDataVariable"/> when set); <see langword="null"/> when absent (a fresh clone).</summary>
    public static string? FindSharedData(string relative)
    {
        ArgumentNullException.ThrowIfNull(relative);
        if (Environment.GetEnvironmentVariable(SharedDataVariable) is { Length: > 0 } root)
        {
            var named = Path.Combine(root, relative);
            return File.Exists(named) ? named : null;
        }
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "data", relative);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return null;
    }
}
