using System.Globalization;
using System.Text.RegularExpressions;
using AgentOS.Bench.Scheduling.Quality;

namespace AgentOS.Bench.Report.Peers;

/// <summary>
/// The peers' shared workload: <see cref="Agents"/> agents × <see cref="Calls"/> calls, each agent in one role (a call
/// site of scheduling.quality's workload 2, round robin), every call a prompt naming its role, agent and call. The
/// local server's "model" answers with a length drawn from a log-normal around the role's median (σ =
/// <see cref="Workloads.Sigma"/>), seeded by the prompt, so the same call gets the same length from every peer.
/// </summary>
internal static partial class PeerWorkload
{
    public const int MaxOutputTokens = 2_000;

    public static int Agents { get; private set; } = 32;

    public static int Calls { get; private set; } = 5;

    /// <summary>Shrinks the workload (the tests' tiny report).</summary>
    public static void Resize(int agents, int calls) => (Agents, Calls) = (agents, calls);

    public static string Role(int agent) => Workloads.CallSites[agent % Workloads.CallSites.Length].Site;

    /// <summary>The prompt of one call; the peer scripts build exactly this text.</summary>
    public static string Prompt(int agent, int call) => string.Create(CultureInfo.InvariantCulture, $"role:{Role(agent)} agent:{agent} call:{call} Do the next step of your task.");

    /// <summary>The answer's length in tokens for a prompt: log-normal around its role's median, seeded by the prompt
    /// marker (FNV-1a), 1..<see cref="MaxOutputTokens"/>; a prompt naming no known role gets 16.</summary>
    public static int OutputTokens(string prompt)
    {
        var match = CallMarker().Match(prompt);
        int site = match.Success ? Array.FindIndex(Workloads.CallSites, s => s.Site == match.Groups[1].Value) : -1;
        if (site < 0)
        {
            return 16;
        }
        // Seeded by the marker alone: frameworks add their own system text around the prompt.
        uint hash = 2166136261;
        foreach (char c in match.Value)
        {
            hash = (hash ^ c) * 16777619;
        }
        var random = new Random((int)hash);
        double z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return (int)Math.Clamp(Math.Round(Workloads.CallSites[site].Median * Math.Exp(Workloads.Sigma * z)), 1, MaxOutputTokens);
    }

    [GeneratedRegex(@"role:([a-z]+) agent:[0-9]+ call:[0-9]+")]
    private static partial Regex CallMarker();
}
