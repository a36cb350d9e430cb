using System.Globalization;
using AgentOS.Threading;

namespace AgentOS.Hosting;

/// <summary>
/// The command line of <c>dotnet AgentOS.Core.dll</c>. Commands are listed here as the features behind them land;
/// an unknown command prints the usage to stderr and exits 2.
/// </summary>
internal static class CommandLine
{
    /// <summary>Exit code for a usage error (unknown command or option).</summary>
    public const int UsageError = 2;

    private static readonly (string Name, string Summary)[] Commands =
    [
        ("--help, -h", "print this text"),
        ("--version", "print the AgentOS version"),
        ("cpus, affinity", "print the CPUs this process may run on and whether threads can be pinned"),
        ("demo", "storyteller agents share the embedded llama2.c model through one kernel\n" + new string(' ', 19) + DemoCommand.Usage),
        ("generate", "llama2.c's run.c on the embedded engine: text to stdout, tok/s to stderr\n" + new string(' ', 19) + GenerateCommand.Usage),
        ("mcp", "serve MCP on stdio (stdout carries only JSON-RPC) as an agent\n" + new string(' ', 19) + McpCommand.Usage),
        ("mcp-client", "connect to an MCP server (Streamable HTTP), list its tools, and with --call-all call each\n" + new string(' ', 19) + McpClientCommand.Usage),
        ("schemas", "print the JSON Schemas of the syscall request and response bodies (GET /v1/schemas)\n" + new string(' ', 19) + SchemasCommand.Usage),
        ("serve", "run a kernel with its HTTP API on 127.0.0.1 (first stderr line: the URL)\n" + new string(' ', 19) + ServeCommand.Usage),
        ("status", "print a running kernel's queues and memory (resident, evicted, hits, misses, quotas)\n" + new string(' ', 19) + StatusCommand.Usage),
    ];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0)
        {
            WriteUsage(stderr);
            return UsageError;
        }

        switch (args[0])
        {
            case "--help" or "-h" or "help":
                WriteUsage(stdout);
                return 0;
            case "--version" or "version":
                stdout.WriteLine($"{AgentOSInfo.Name} {AgentOSInfo.Version}");
                return 0;
            case "demo":
                return DemoCommand.Run(args[1..], stdout, stderr);
            case "generate":
                return GenerateCommand.Run(args[1..], stdout, stderr);
            case "mcp":
                // stdout is the protocol's: anything that writes to Console.Out from here on goes to stderr.
                var protocol = Console.OpenStandardOutput();
                Console.SetOut(stderr);
                return McpCommand.Run(args[1..], Console.OpenStandardInput(), protocol, stderr);
            case "mcp-client":
                return McpClientCommand.Run(args[1..], stdout, stderr);
            case "schemas":
                return SchemasCommand.Run(args[1..], stdout, stderr);
            case "serve":
                return ServeCommand.Run(args[1..], stdout, stderr);
            case "status":
                return StatusCommand.Run(args[1..], stdout, stderr);
            case "cpus" or "affinity":
                return Cpus(stdout, stderr);
            default:
                stderr.WriteLine($"agentos: unknown command '{args[0]}'.");
                WriteUsage(stderr);
                return UsageError;
        }
    }

    // Two lines, "allowed cpus: 0-1 (2)" and "pinning: supported: ..." or "pinning: not supported: <why>".
    private static int Cpus(TextWriter stdout, TextWriter stderr)
    {
        IReadOnlyList<int> allowed;
        try
        {
            allowed = CpuAffinity.AllowedCpus();
        }
        catch (AffinityException ex)
        {
            stderr.WriteLine($"agentos: {ex.Message}");
            return 1;
        }
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"allowed cpus: {CpuList.Format(allowed)} ({allowed.Count})"));
        stdout.WriteLine($"pinning: {CpuAffinity.DescribePinning()}");
        return 0;
    }

    private static void WriteUsage(TextWriter writer)
    {
        writer.WriteLine("usage: dotnet AgentOS.Core.dll <command> [options]");
        writer.WriteLine();
        writer.WriteLine("commands:");
        foreach (var (name, summary) in Commands)
        {
            writer.WriteLine($"  {name,-14} {summary}");
        }
    }
}
