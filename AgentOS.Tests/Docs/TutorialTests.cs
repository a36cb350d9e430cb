using System.Text.RegularExpressions;
using AgentOS.Kernel;
using AgentOS.Tests.Computer.Code;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Tests.Hosting;

namespace AgentOS.Tests.Docs;

/// <summary>
/// The tutorials in docs/tutorials, run as a reader would, from an empty folder: every block marked
/// <c>&lt;!-- test: ... --&gt;</c> is a step (<c>file PATH</c> to write, <c>run</c> or <c>run in FOLDER</c> a command,
/// <c>serve</c> the kernel's server, <c>npm install</c> the Node packages the block names) or the output the previous
/// command must print (<c>output</c>, or <c>output contains</c>), so a page cannot drift from what AgentOS does.
/// <c>AGENTOS_DLL</c> is the DLL these tests were built against. While a page's server runs, its address
/// (<c>http://127.0.0.1:8080/</c> on the page) is replaced by the real one in commands and files alike.
/// </summary>
public sealed partial class TutorialTests
{
    private static readonly string[] Tutorials = ["first-agent.md", "from-aios.md", "serving-openai-and-mcp.md", "tool-using-agent.md"];

    // A marker comment, then the fenced block under it.
    [GeneratedRegex(@"<!-- test: (?<step>[^>]*?) -->\s*\n```[a-z]*\n(?<body>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex StepPattern();

    // The building and running of a console project takes minutes on a loaded two-core machine.
    [Test(TimeoutSeconds = 900)]
    public Task Your_first_agent() => RunAsync("first-agent.md");

    [Test(TimeoutSeconds = 900)]
    public Task Moving_an_AIOS_agent_over() => RunAsync("from-aios.md");

    [Test(TimeoutSeconds = 900)]
    public Task A_tool_using_agent_in_CSharp() => RunAsync("tool-using-agent.md", "## In C#");

    [Test(TimeoutSeconds = 300)]
    [RequiresCommand("curl")]
    public Task A_tool_using_agent_over_HTTP() => RunAsync("tool-using-agent.md", "## Over HTTP");

    // The clients are the official ones: the openai npm client and the MCP TypeScript SDK, from the folders CI installs
    // them in (the page's `npm install` is served from there, never from the registry), on Node 22.
    [Test(TimeoutSeconds = 600)]
    [RequiresCommand("curl")]
    [RequiresNode]
    [RequiresEnv("AGENTOS_TEST_OPENAI_NODE_MODULES")]
    [RequiresEnv("AGENTOS_TEST_NODE_MODULES")]
    public Task Serving_OpenAI_and_MCP_clients() => RunAsync("serving-openai-and-mcp.md");

    [Test]
    public void Every_tutorial_is_run_here()
    {
        var pages = Directory.GetFiles(Path.Combine(RepoPaths.Root, "docs", "tutorials"), "*.md").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.SequenceEqual(Tutorials, pages, "a tutorial was added or removed: give it a test here and list it in Tutorials");
    }

    // The page's steps (those under the heading, when one is given) in order, in a fresh folder.
    private static async Task RunAsync(string tutorial, string? heading = null)
    {
        string page = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "tutorials", tutorial)).Replace("\r\n", "\n", StringComparison.Ordinal);
        int start = heading is null ? 0 : page.IndexOf(heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"{tutorial} has a section '{heading}'");
        int end = heading is null ? -1 : page.IndexOf("\n## ", start + heading.Length, StringComparison.Ordinal);
        var steps = StepPattern().Matches(page[start..(end < 0 ? page.Length : end)]);
        Assert.True(steps.Count >= 3, $"{tutorial} {heading} has its steps marked");

        using var folder = new TempDirectory("agentos-tutorial");
        ServeProcess? serve = null;
        string? output = null;
        try
        {
            foreach (Match step in steps)
            {
                string kind = step.Groups["step"].Value, body = step.Groups["body"].Value;
                switch (kind.Split(' ', 2))
                {
                    case ["file", var path]:
                        File.WriteAllText(Path.Combine(folder.Path, path), PointAt(serve, body) + "\n");
                        break;
                    case ["run", ..]:
                        string where = kind.StartsWith("run in ", StringComparison.Ordinal) ? Path.Combine(folder.Path, kind[7..]) : folder.Path;
                        output = await RunCommandAsync(PointAt(serve, body), where);
                        break;
                    case ["npm", "install"]:
                        LinkNodePackages(body, folder.Path);
                        break;
                    case ["output"]:
                        Assert.Equal(body.Trim(), output?.Trim());
                        break;
                    case ["output", "contains"]:
                        Assert.Contains(body.Trim(), output ?? "");
                        break;
                    case ["serve"]:
                        // The page's own arguments, but on a free port (the page says 8080; the commands are pointed here)
                        // and with its data folder (default serve-data) inside the tutorial's folder.
                        var arguments = body[(body.IndexOf(" serve ", StringComparison.Ordinal) + 7)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
                        int port = arguments.IndexOf("--port");
                        if (port >= 0)
                        {
                            arguments.RemoveRange(port, 2);
                        }
                        string data = "serve-data";
                        int dataAt = arguments.IndexOf("--data");
                        if (dataAt >= 0)
                        {
                            data = arguments[dataAt + 1];
                            arguments.RemoveRange(dataAt, 2);
                        }
                        serve = await ServeProcess.StartAsync(Path.Combine(folder.Path, data), [.. arguments]);
                        break;
                    default:
                        throw new InvalidOperationException($"{tutorial} has a step this test does not know: '{kind}'");
                }
            }
        }
        finally
        {
            serve?.Dispose();
        }
    }

    private static string PointAt(ServeProcess? serve, string text) =>
        serve is null ? text : text.Replace("http://127.0.0.1:8080/", serve.Url.ToString(), StringComparison.Ordinal);

    // `npm install a @scope/b`, answered from the folders CI installed the packages in (AGENTOS_TEST_*_NODE_MODULES):
    // each named package is linked into the tutorial folder's node_modules, where Node resolves the page's imports.
    private static void LinkNodePackages(string command, string folder)
    {
        string[] words = command.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        Assert.True(words is ["npm", "install", _, ..], $"an npm install step names its packages: '{command}'");
        string[] sources = [.. new[] { "AGENTOS_TEST_OPENAI_NODE_MODULES", "AGENTOS_TEST_NODE_MODULES" }
            .Select(Environment.GetEnvironmentVariable).OfType<string>().Where(v => v.Length > 0)];
        foreach (var word in words[2..])
        {
            // A version (openai@6, @scope/name@1) is the registry's business; the installed copy is what CI pinned.
            int at = word.IndexOf('@', 1);
            string package = at > 0 ? word[..at] : word;
            string? installed = sources.SelectMany(s => new[] { Path.Combine(s, package), Path.Combine(s, "node_modules", package) }).FirstOrDefault(Directory.Exists);
            Assert.True(installed is not null, $"the npm package {package} is installed in AGENTOS_TEST_OPENAI_NODE_MODULES or AGENTOS_TEST_NODE_MODULES ({string.Join(", ", sources)})");
            string link = Path.Combine(folder, "node_modules", package);
            Directory.CreateDirectory(Path.GetDirectoryName(link)!);
            Directory.CreateSymbolicLink(link, installed!);
        }
    }

    private static async Task<string> RunCommandAsync(string script, string folder)
    {
        var environment = new Dictionary<string, string?>
        {
            ["AGENTOS_DLL"] = typeof(AgentKernel).Assembly.Location,
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };
        // The Node that CI installs (or node on PATH) first, so a page's `node` runs it.
        if (RequiresNodeAttribute.Find() is { } node)
        {
            environment["PATH"] = Path.GetDirectoryName(node) + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        }
        using var run = ChildProcess.Start("bash", ["-euo", "pipefail", "-c", script], folder, environment);
        int exit = await run.WaitForExitAsync(TimeSpan.FromMinutes(12));
        Assert.Equal(0, exit, $"{script}\n--- stdout\n{run.Stdout}\n--- stderr\n{run.Stderr}");
        return run.Stdout;
    }
}
