using System.Diagnostics;
using System.Text.Json;
using AgentOS.Bench.Harness;
using AgentOS.Computer;
using AgentOS.Computer.Code;
using AgentOS.Tools;

namespace AgentOS.Bench.Computer.Code;

/// <summary>
/// <c>computer.code.python_eval</c>: one <c>code.run</c> call of <c>1+1</c> in a warm Python session, timed per call
/// through the tool (arguments parsed, the workspace listed before and after, the driver's round trip, the result
/// serialized). The session runs unisolated in a temp folder: this measures the tool and its driver, not the sandbox
/// (a sandbox adds nothing per call once the interpreter is running inside it). Target: median at most 5 ms.
/// </summary>
internal static class CodeBenchmarks
{
    private static readonly Lazy<(ToolDefinition Tool, JsonElement Arguments)?> Warm = new(Start);

    [Benchmark("computer.code.python_eval", Kind = BenchKind.Latency, Runs = 10)]
    public static void PythonEval(BenchRun run)
    {
        if (!OperatingSystem.IsLinux())
        {
            BenchRun.Skip("the code tool's file tracking runs on Linux");
        }
        var (tool, arguments) = Warm.Value ?? throw new BenchSkippedException("needs python3 on PATH");
        var caller = new ToolCallContext("bench", 1);
        int calls = run.Size(500, 50);
        run.Start();
        for (int i = 0; i < calls; i++)
        {
            long start = Stopwatch.GetTimestamp();
            var output = tool.InvokeAsync(caller, arguments, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            run.Record(Stopwatch.GetTimestamp() - start);
            if (output.Structured?.GetProperty("value").GetString() != "2")
            {
                throw new InvalidOperationException("1+1 did not give 2: " + output.Text);
            }
        }
        run.Stop(calls);
    }

    private static (ToolDefinition, JsonElement)? Start()
    {
        if (!File.Exists("/usr/bin/python3") && !File.Exists("/usr/local/bin/python3"))
        {
            return null;
        }
        var workspace = Directory.CreateTempSubdirectory("agentos-bench-code-").FullName;
        var registry = new ToolRegistry();
        var host = new UnisolatedHost(workspace);
        CodeTools.Register(registry, (_, _) => host);
        using var document = JsonDocument.Parse("""{"session_id":"bench","language":"python","code":"1+1"}""");
        return (registry.Get(CodeTools.RunName), document.RootElement.Clone());
    }

    /// <summary>A session without isolation, for this benchmark only: processes start directly in the folder.</summary>
    private sealed class UnisolatedHost(string workspace) : ISessionHost
    {
        public string Id => "bench";
        public string OwnerAgentId => "bench";
        public bool Isolated => false;
        public string WorkspaceHostPath => workspace;
        public string WorkspaceSandboxPath => workspace;

        public ProcessStartInfo CreateStartInfo(IReadOnlyList<string> argv, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
        {
            var start = new ProcessStartInfo(argv[0]) { WorkingDirectory = workingDirectory ?? workspace };
            foreach (var arg in argv.Skip(1))
            {
                start.ArgumentList.Add(arg);
            }
            foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            {
                start.Environment[key] = value;
            }
            return start;
        }
    }
}
