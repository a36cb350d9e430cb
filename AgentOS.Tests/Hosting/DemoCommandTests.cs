using AgentOS.Hosting;
using AgentOS.Llm.Simulation;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Hosting;

/// <summary><c>dotnet AgentOS.Core.dll demo</c> as a real child process: exit code and the final table's shape.</summary>
public sealed class DemoCommandTests
{
    private static readonly string[] Columns = ["policy", "agents", "done", "failed", "mean_s", "p50_s", "p99_s", "llm_p50_s", "llm_p99_s", "llm_missed", "clock_s", "wall_s"];

    // As on a fresh clone: no ../shared data, so the built-in arrival pattern and the simulator.
    private static ChildProcess StartFresh(TempDirectory empty, params string[] args) =>
        ChildProcess.StartDotnet(RepoPaths.CoreDll, ["demo", .. args], empty.Path, new Dictionary<string, string?> { [LlmTrace.SharedDataVariable] = empty.Path });

    private static List<string[]> Table(ChildProcess child)
    {
        var lines = child.StdoutLines.ToList();
        int header = lines.FindIndex(l => l.StartsWith("policy ", StringComparison.Ordinal));
        Assert.True(header >= 0, "no table header in:\n" + child.Stdout);
        Assert.SequenceEqual(Columns, lines[header].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return [.. lines.Skip(header + 1).TakeWhile(l => l.Length > 0).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))];
    }

    [Test(TimeoutSeconds = 180)]
    public async Task Quick_demo_on_a_fresh_clone_runs_the_simulator_and_prints_one_row()
    {
        using var empty = new TempDirectory("agentos-demo-fresh");
        using var child = StartFresh(empty, "--quick");
        Assert.Equal(0, await child.WaitForExitAsync(TimeSpan.FromSeconds(170)), child.Stdout + "\n" + child.Stderr);
        Assert.Contains("SIMULATOR", child.Stdout);
        Assert.Contains("built-in pattern", child.Stdout);
        var rows = Table(child);
        Assert.Equal(1, rows.Count);
        Assert.Equal(Columns.Length, rows[0].Length);
        Assert.SequenceEqual(["sjf", "60", "60", "0"], rows[0].Take(4));
        // The live progress view went to stderr.
        Assert.Contains("arrived", child.Stderr);
        Assert.Contains("p99", child.Stderr);
    }

    [Test]
    public void Compare_policies_covers_every_built_in_policy()
    {
        Assert.SequenceEqual(AgentOS.Scheduling.SchedulingPolicies.Names.Order(StringComparer.Ordinal), DemoCommand.ComparedPolicies.Order(StringComparer.Ordinal));
    }

    [Test(TimeoutSeconds = 300)]
    public async Task Compare_policies_prints_every_policy_side_by_side()
    {
        using var empty = new TempDirectory("agentos-demo-compare");
        using var child = StartFresh(empty, "--quick", "--compare-policies", "--agents", "30");
        Assert.Equal(0, await child.WaitForExitAsync(TimeSpan.FromSeconds(290)), child.Stdout + "\n" + child.Stderr);
        var rows = Table(child);
        Assert.SequenceEqual(DemoCommand.ComparedPolicies, rows.Select(r => r[0]));
        foreach (var row in rows)
        {
            Assert.Equal(Columns.Length, row.Length);
            Assert.SequenceEqual(["30", "30", "0"], row.Skip(1).Take(3));
        }
    }

    [Test(TimeoutSeconds = 120)]
    public async Task With_an_openai_compatible_server_the_demo_runs_on_it()
    {
        await using var server = new ScriptedHttpServer(AgentOS.Tests.Llm.FakeOpenAiModel.Serve);
        using var empty = new TempDirectory("agentos-demo-openai");
        using var child = ChildProcess.StartDotnet(RepoPaths.CoreDll, ["demo", "--quick", "--agents", "6", "--backend", "openai", "--base-url", server.Url + "v1", "--model", "fake-model"], empty.Path,
            new Dictionary<string, string?> { [LlmTrace.SharedDataVariable] = empty.Path, ["OPENAI_API_KEY"] = "sk-test" });
        Assert.Equal(0, await child.WaitForExitAsync(TimeSpan.FromSeconds(110)), child.Stdout + "\n" + child.Stderr);
        Assert.Contains("OpenAI-compatible server", child.Stdout);
        Assert.SequenceEqual(["sjf", "6", "6", "0"], Table(child).Single().Take(4));
        Assert.Contains("syscalls completed (sjf): llm 12, memory 12, storage 6, tool 6", child.Stdout);
    }

    [Test]
    public async Task Bad_options_exit_two_with_usage()
    {
        using var child = ChildProcess.StartDotnet(RepoPaths.CoreDll, ["demo", "--agents", "0"]);
        Assert.Equal(2, await child.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("usage:", child.Stderr);
    }

    [Test(TimeoutSeconds = 180)]
    [RequiresShared("data/models/stories260K.bin")]
    public async Task With_the_model_at_hand_the_demo_runs_the_embedded_engine()
    {
        using var child = ChildProcess.StartDotnet(RepoPaths.CoreDll, ["demo", "--quick"], RepoPaths.Root);
        Assert.Equal(0, await child.WaitForExitAsync(TimeSpan.FromSeconds(170)), child.Stdout + "\n" + child.Stderr);
        Assert.Contains("embedded llama2.c engine", child.Stdout);
        Assert.Contains("busy", child.Stdout);
        // The default policy, then FIFO on the same arrivals, each with every agent done.
        var rows = Table(child);
        Assert.SequenceEqual(["sjf", "fifo"], rows.Select(r => r[0]));
        foreach (var row in rows)
        {
            Assert.SequenceEqual(["60", "60", "0"], row.Skip(1).Take(3));
        }
    }
}
