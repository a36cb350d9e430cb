using System.Runtime.InteropServices;
using AgentOS.Access;
using AgentOS.Hosting.Mcp;
using AgentOS.Kernel;
using AgentOS.Sdk;

namespace AgentOS.Hosting;

/// <summary>
/// <c>mcp --as AGENT</c>: a kernel with the built-in tools and the <c>echo</c> agent, served to one MCP client over
/// stdio. The client acts as AGENT: every request is a syscall of that agent (its groups, budgets, approvals and audit
/// apply), the way <c>serve</c> treats a request bearing AGENT's API key. Whoever can start the process owns the data
/// folder, so the process itself is the credential. stdout carries only JSON-RPC; everything else goes to stderr.
/// Ends when stdin closes (or on SIGINT/SIGTERM), stopping the kernel.
/// </summary>
internal static class McpCommand
{
    public const string Usage = "mcp --as AGENT [--data DIR] [--config FILE] [--policy FILE] [--mcp-conformance-fixtures]";

    public static int Run(string[] args, Stream stdin, Stream stdout, TextWriter stderr)
    {
        string? agent = null, data = null, config = null, policy = null;
        bool fixtures = false;
        for (int i = 0; i < args.Length; i++)
        {
            string? Next() => i + 1 < args.Length ? args[++i] : null;
            string option = args[i];
            switch (option)
            {
                case "--as" when Next() is { } a && AgentIdentity.IsValidId(a):
                    agent = a;
                    break;
                case "--data" when Next() is { } d:
                    data = d;
                    break;
                case "--config" when Next() is { } c:
                    config = c;
                    break;
                case "--policy" when Next() is { } p:
                    policy = p;
                    break;
                case "--mcp-conformance-fixtures":
                    fixtures = true;
                    break;
                default:
                    stderr.WriteLine($"agentos mcp: bad or incomplete option '{option}'.");
                    stderr.WriteLine("usage: dotnet AgentOS.Core.dll " + Usage);
                    return CommandLine.UsageError;
            }
        }
        if (agent is null)
        {
            stderr.WriteLine("agentos mcp: --as AGENT is required: name the agent whose syscalls the client's requests become.");
            stderr.WriteLine("usage: dotnet AgentOS.Core.dll " + Usage);
            return CommandLine.UsageError;
        }
        KernelOptions options;
        try
        {
            options = config is not null ? KernelConfig.Load(config).ToOptions() : new KernelOptions();
            if (data is not null)
            {
                options = options with { DataDirectory = data };
            }
            if (policy is not null)
            {
                options = options with { Access = AccessPolicy.Load(policy) };
            }
        }
        catch (Exception ex) when (ex is KernelConfigException or AccessPolicyException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"agentos mcp: {ex.Message}");
            return CommandLine.UsageError;
        }
        // The client's own model, when it offers sampling, is one more LLM backend ("mcp-sampling").
        var sampling = new McpSamplingBackend(options.Mcp);
        options = HostKernelOptions.WithHostDefaults(options, sampling);
        // Irreversible tool calls ask the client's user (elicitation) when this agent holds the approve grant.
        AgentKernel? started = null;
        options = options with { Approver = new McpElicitationApprover(options.Approver ?? DenyAllApprover.Instance, p => started!.AccessManager.MayApprove(p)) };
        var kernel = started = AgentKernel.Start(options);
        try
        {
            kernel.RegisterAgent("echo", () => new EchoAgent(), description: "Answers its input through the LLM.");
            bool inPolicy = (options.Access?.Agents ?? []).Any(a => a.Id == agent);
            if (agent != "echo" && !inPolicy)
            {
                kernel.RegisterIdentity(agent);
            }
        }
        catch (ArgumentException ex)
        {
            stderr.WriteLine($"agentos mcp: {ex.Message}");
            kernel.StopAsync().GetAwaiter().GetResult();
            return CommandLine.UsageError;
        }
        var server = new McpServer(kernel);
        sampling.Server = server;
        if (fixtures)
        {
            ConformanceFixtures.Register(kernel.Tools, server, options.TimeProvider);
        }
        stderr.WriteLine($"agentos mcp: serving MCP on stdio as agent '{agent}'; data in {Path.GetFullPath(kernel.DataDirectory)}; audit log {kernel.AuditLogPath}");
        stderr.Flush();

        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var transport = new McpStdioTransport(stdin, stdout);
        var session = server.Open(new Principal(agent), agent, transport);
        try
        {
            transport.RunAsync(session, stop.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            session.DisposeAsync().AsTask().GetAwaiter().GetResult();
            kernel.StopAsync(drain: true).GetAwaiter().GetResult();
        }
        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }
}
