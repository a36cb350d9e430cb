using System.Text.Json;
using AgentOS.Hosting.Http;

namespace AgentOS.Hosting;

/// <summary><c>schemas [NAME]</c>: prints the JSON Schemas of the syscall bodies (what <c>GET /v1/schemas</c>
/// serves), all of them or the one named.</summary>
internal static class SchemasCommand
{
    public const string Usage = "schemas [NAME]";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var schema = args switch
        {
            [] => SyscallSchemas.All(),
            [var name] => SyscallSchemas.Find(name),
            _ => null,
        };
        if (schema is null)
        {
            stderr.WriteLine($"agentos schemas: give no name (all) or one of {string.Join(", ", SyscallSchemas.Names)}.");
            stderr.WriteLine("usage: dotnet AgentOS.Core.dll " + Usage);
            return CommandLine.UsageError;
        }
        stdout.WriteLine(schema.ToJsonString(Indented));
        return 0;
    }
}
