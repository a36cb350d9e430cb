namespace AgentOS.Bench.Harness;

internal static partial class BenchRunner
{
    /// <summary>
    /// Runs the named benchmarks, each with the baselines it compares against (interleaved, exactly as a plain run
    /// groups them), and returns every result by name without touching <c>artifacts/bench/results.json</c>: the
    /// report's way of calling the bench. A group that cannot run here (a peer not installed) is left out, and
    /// <paramref name="skipped"/> hears which and why.
    /// </summary>
    internal static Dictionary<string, BenchResult> RunNamed(IReadOnlyCollection<string> names, bool quick, Action<string, string> skipped)
    {
        var all = BenchCase.Discover(typeof(BenchRunner).Assembly);
        var selected = all.Where(c => names.Contains(c.Name)).ToList();
        if (names.FirstOrDefault(n => selected.All(c => c.Name != n)) is { } unknown)
        {
            throw new InvalidOperationException($"no benchmark is named {unknown}");
        }
        var buffer = new long[SampleBufferLength];
        var results = new Dictionary<string, BenchResult>(StringComparer.Ordinal);
        foreach (var group in Group(all, selected))
        {
            try
            {
                foreach (var result in RunGroup(group, quick, buffer))
                {
                    results[result.Name] = result;
                }
            }
            catch (BenchSkippedException ex)
            {
                skipped(string.Join(", ", group.Select(c => c.Name)), ex.Message);
            }
        }
        return results;
    }
}
