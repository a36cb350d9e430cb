using System.Text.Json;
using System.Xml.Linq;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Build;

/// <summary>
/// The comparison report in its tiny form (the bench's <c>report --tiny</c>, a child process): it writes README.md,
/// charts that parse as SVG, and results.json in the contract's exact shape, with the native peer's row measured in
/// the run. The framework peers run when their node_modules are named (CI), and say why not otherwise.
/// </summary>
public sealed class ReportTests
{
    [Test(TimeoutSeconds = 900)]
    public async Task The_tiny_report_writes_the_contract_shape_and_valid_charts()
    {
        using var temp = new TempDirectory("agentos-report");
        string output = temp.Combine("report");
        using var bench = ChildProcess.StartDotnet(RepoPaths.BenchDll, ["report", "--tiny", "--sections", "syscall,scale,peers,opportunities", "--out", output], temp.Path);
        Assert.Equal(0, await bench.WaitForExitAsync(TimeSpan.FromMinutes(14)), bench.Stdout + "\n" + bench.Stderr);

        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "results.json")));
        var root = document.RootElement;
        Assert.SequenceEqual(["commit", "date", "machine", "dotnet", "quick", "figures", "peers", "targets", "charts", "opportunities"], root.EnumerateObject().Select(p => p.Name));
        Assert.True(root.GetProperty("quick").GetBoolean());
        foreach (var name in new[] { "commit", "date", "machine", "dotnet" })
        {
            Assert.True(root.GetProperty(name).GetString()!.Length > 0, name);
        }

        string[] figureFields = ["id", "title", "value", "unit", "baseline_name", "baseline_value", "ratio", "headline"];
        var figures = root.GetProperty("figures").EnumerateArray().ToList();
        Assert.True(figures.Count > 0);
        foreach (var f in figures)
        {
            Assert.True(f.EnumerateObject().All(p => figureFields.Contains(p.Name)), f.GetRawText());
            Assert.Equal(JsonValueKind.Number, f.GetProperty("value").ValueKind);
            Assert.True(f.GetProperty("headline").ValueKind is JsonValueKind.True or JsonValueKind.False);
        }
        var ids = figures.Select(f => f.GetProperty("id").GetString()!).ToList();
        Assert.Contains("syscall.roundtrip.median_us", ids);
        Assert.Contains("syscall.roundtrip.vs_aios_model", ids);

        string[] peerFields = ["name", "mode", "completed", "failed", "mean_s", "p99_s", "makespan_s", "goodput_per_s"];
        var peers = root.GetProperty("peers").EnumerateArray().ToList();
        foreach (var p in peers)
        {
            Assert.SequenceEqual(peerFields, p.EnumerateObject().Select(x => x.Name).Take(peerFields.Length));
        }
        // The tiny workload is 8 agents x 2 calls; AgentOS's own agents complete every call.
        var native = peers.Single(p => p.GetProperty("mode").GetString() == "native");
        Assert.Equal(16, native.GetProperty("completed").GetInt32());
        Assert.Equal(0, native.GetProperty("failed").GetInt32());
        Assert.True(native.GetProperty("makespan_s").GetDouble() > 0);
        Assert.Equal(5, peers.Count, "langgraph and openai-agents, each direct and through AgentOS, and the native SDK agents");
        foreach (var p in peers.Where(p => p.GetProperty("mode").GetString() != "native"))
        {
            bool ran = !p.TryGetProperty("not_run_reason", out _);
            Assert.True(ran ? p.GetProperty("completed").GetInt32() + p.GetProperty("failed").GetInt32() == 16 : p.GetProperty("not_run_reason").GetString()!.Length > 0, p.GetRawText());
        }

        var targets = root.GetProperty("targets").EnumerateArray().ToList();
        Assert.True(targets.Count >= 1);
        Assert.True(targets.All(t => t.EnumerateObject().Select(x => x.Name).SequenceEqual(["name", "met", "detail"])));

        var opportunities = root.GetProperty("opportunities").EnumerateArray().ToList();
        Assert.InRange(opportunities.Count, 1, 5);
        Assert.SequenceEqual(Enumerable.Range(1, opportunities.Count), opportunities.Select(o => o.GetProperty("rank").GetInt32()));

        var charts = root.GetProperty("charts").EnumerateArray().ToList();
        Assert.True(charts.Count >= 3, "syscall overhead, throughput against agents, the peers");
        XNamespace svg = "http://www.w3.org/2000/svg";
        foreach (var chart in charts)
        {
            string file = chart.GetProperty("file").GetString()!;
            Assert.True(file.StartsWith("charts/", StringComparison.Ordinal) && file.EndsWith(".svg", StringComparison.Ordinal), file);
            Assert.Equal(svg + "svg", XDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, file))).Root!.Name, file);
        }

        string readme = await File.ReadAllTextAsync(Path.Combine(output, "README.md"));
        foreach (var id in ids)
        {
            Assert.Contains($"`{id}`", readme);
        }
        Assert.Contains("AIOS was not run", readme);
        Assert.Contains("loop MODEL", readme);
        Assert.Contains(root.GetProperty("commit").GetString()!, readme);
    }
}
