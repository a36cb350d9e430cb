using System.Reflection;

namespace AgentOS.Bench.Harness;

/// <summary>A discovered benchmark method with its attribute.</summary>
internal sealed record BenchCase(MethodInfo Method, BenchmarkAttribute Attribute)
{
    public string Name => Attribute.Name;

    public IReadOnlyList<string> Baselines { get; } =
        Attribute.Baseline?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    public string Unit => Attribute.Kind == BenchKind.Latency ? "ns/op (each op timed)" : "ns/op (whole runs timed)";

    /// <summary>Names a benchmark that fails on purpose when it runs, so tests can see a failure end only its own
    /// group (the rest of the run goes on and is written).</summary>
    public const string FailVariable = "AGENTOS_BENCH_FAIL";

    public void Invoke(BenchRun run)
    {
        if (Environment.GetEnvironmentVariable(FailVariable) == Name)
        {
            throw new InvalidOperationException($"{Name} failed on request ({FailVariable})");
        }
        Method.Invoke(null, BindingFlags.DoNotWrapExceptions, null, [run], null);
    }

    public static List<BenchCase> Discover(Assembly assembly)
    {
        var cases = new List<BenchCase>();
        foreach (var type in assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
            {
                if (method.GetCustomAttribute<BenchmarkAttribute>() is { } attribute)
                {
                    var parameters = method.GetParameters();
                    if (parameters.Length != 1 || parameters[0].ParameterType != typeof(BenchRun))
                    {
                        throw new InvalidOperationException($"benchmark {type.Name}.{method.Name} must be static void M(BenchRun run)");
                    }
                    cases.Add(new BenchCase(method, attribute));
                }
            }
        }
        var names = cases.Select(c => c.Name).ToList();
        var duplicate = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"two benchmarks are named {duplicate.Key}");
        }
        foreach (var c in cases)
        {
            foreach (var baseline in c.Baselines.Where(b => !names.Contains(b)))
            {
                throw new InvalidOperationException($"benchmark {c.Name} names an unknown baseline {baseline}");
            }
        }
        return [.. cases.OrderBy(c => c.Name, StringComparer.Ordinal)];
    }
}
