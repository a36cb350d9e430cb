using AgentOS.Hosting;

namespace AgentOS;

/// <summary>Entry point of <c>dotnet AgentOS.Core.dll &lt;command&gt;</c>.</summary>
internal static class Program
{
    private static int Main(string[] args) => CommandLine.Run(args, Console.Out, Console.Error);
}
