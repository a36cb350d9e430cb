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
            default:
                stderr.WriteLine($"agentos: unknown command '{args[0]}'.");
                WriteUsage(stderr);
                return UsageError;
        }
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
