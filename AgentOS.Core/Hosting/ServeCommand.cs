using System.Runtime.InteropServices;
using AgentOS.Access;
using AgentOS.Hosting.Http;
using AgentOS.Kernel;
using AgentOS.Sdk;

namespace AgentOS.Hosting;

/// <summary>
/// <c>serve</c>: starts a kernel with the built-in tools and the <c>echo</c> agent, and its HTTP API, then runs until
/// SIGINT or SIGTERM, when it stops the kernel (draining) and exits 0. The first line on stderr is the bound URL.
/// Every request authenticates: <c>--token</c> is an administrator's token, <c>--api-key KEY=AGENT</c> an agent's, and
/// the credentials file (<c>credentials.json</c> in the data folder, or <c>--credentials FILE</c>) holds more, reloaded
/// when it changes. Without an administrator credential it creates one and writes it to <c>admin-token</c> in the data
/// folder (mode 0600). <c>--insecure-no-auth</c> runs open, and says so loudly.
/// </summary>
internal static class ServeCommand
{
    public const string Usage = "serve [--port N] [--host 127.0.0.1|::1|localhost|0.0.0.0|::|+|*|IP] [--token T] [--api-key KEY=AGENT ...] [--credentials FILE] [--insecure-no-auth] [--data DIR] [--config FILE] [--policy FILE] [--agents a,b,...] [--max-body BYTES] [--idle-trim SECONDS] [--mcp-conformance-fixtures] [--evolve]";

    /// <summary>The credentials file <c>serve</c> reads from the data folder unless <c>--credentials</c> names another.</summary>
    public const string CredentialsFileName = "credentials.json";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var parsed = Options.Parse(args, stderr);
        if (parsed is null)
        {
            return CommandLine.UsageError;
        }
        KernelOptions options;
        AgentKernel? started = null; // the approver asks the kernel's access manager who may approve
        AgentOS.Evolution.EvolutionConfig? evolution;
        try
        {
            var config = parsed.Config is { } file ? KernelConfig.Load(file) : null;
            options = config?.ToOptions() ?? new KernelOptions();
            // The self-improving loop runs with --evolve (and the config's pins, if any) or "evolution": {"enabled": true}.
            evolution = parsed.Evolve ? config?.Evolution ?? new() : config?.Evolution is { Enabled: true } configured ? configured : null;
        }
        catch (KernelConfigException ex)
        {
            stderr.WriteLine($"agentos serve: {ex.Message}");
            return CommandLine.UsageError;
        }
        if (parsed.Data is { } data)
        {
            options = options with { DataDirectory = data };
        }
        try
        {
            // Irreversible operations wait for a decision at POST /v1/approvals/{id} (denied when the policy's
            // approval timeout passes).
            options = options with { Access = parsed.Policy is { } policy ? AccessPolicy.Load(policy) : options.Access, Approver = new AgentOS.Hosting.Mcp.McpElicitationApprover(new ManualApprover(), p => started!.AccessManager.MayApprove(p)) };
            if (options.Access is { } access)
            {
                RequireServeShape(access);
            }
        }
        catch (Exception ex) when (ex is AccessPolicyException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"agentos serve: the access policy: {ex.Message}");
            return CommandLine.UsageError;
        }
        // Connected MCP clients' models serve their own agents as one more LLM backend ("mcp-sampling").
        options = HostKernelOptions.WithHostDefaults(options, new AgentOS.Hosting.Mcp.McpSamplingBackend(options.Mcp));

        var kernel = started = AgentKernel.Start(options);
        // Agents that submit their own syscalls (over /v1/syscalls or as an API key's agent) join the default group,
        // unless the access policy already names them with groups of its own.
        var inPolicy = (options.Access?.Agents ?? []).Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        try
        {
            kernel.RegisterAgent("echo", () => new EchoAgent(), description: "Answers its input through the LLM.");
            foreach (var agent in parsed.Agents.Concat(parsed.ApiKeys.Values).Distinct(StringComparer.Ordinal).Where(a => a != "echo" && !inPolicy.Contains(a)))
            {
                kernel.RegisterIdentity(agent);
            }
            if (evolution is not null)
            {
                kernel.StartEvolutionAsync(evolution.ToOptions(kernel.Llm.Backends.Sum(b => b.Slots))).GetAwaiter().GetResult();
            }
        }
        catch (ArgumentException ex)
        {
            // An agent id that is invalid or clashes (only in case) with one the policy registers; a pin the loop refuses.
            stderr.WriteLine($"agentos serve: {ex.Message}");
            kernel.StopAsync().GetAwaiter().GetResult();
            return CommandLine.UsageError;
        }
        KernelHttpServer server;
        var notes = new List<string>();
        // Durable runs a killed or stopped serve left unfinished go on from their journals (docs/reactor.md).
        if (kernel.ResumeDurableRunsAsync().GetAwaiter().GetResult() is > 0 and int resumed)
        {
            notes.Add($"durable runs resumed from their journals: {resumed}");
        }
        try
        {
            var credentials = new CredentialTable(parsed.Credentials ?? Path.Combine(kernel.DataDirectory, CredentialsFileName));
            foreach (var agent in credentials.Principals.Where(p => !p.IsAdmin).Select(p => p.Name).Distinct(StringComparer.Ordinal)
                .Where(a => a != "echo" && !inPolicy.Contains(a) && !parsed.Agents.Contains(a) && !parsed.ApiKeys.Values.Contains(a)))
            {
                kernel.RegisterIdentity(agent);
            }
            string? token = parsed.Token;
            if (token is null && !parsed.InsecureNoAuth && !credentials.HasAdmin)
            {
                var (created, path) = AdminTokenFile.Create(kernel.DataDirectory);
                token = created;
                notes.Add($"admin token in {path} (readable only by its owner): send 'Authorization: Bearer <its contents>'");
            }
            server = KernelHttpServer.Start(kernel, new HttpServerOptions
            {
                Host = parsed.Host, Port = parsed.Port, Credentials = credentials, BearerToken = token, ApiKeys = parsed.ApiKeys,
                InsecureNoAuth = parsed.InsecureNoAuth, MaxBodyBytes = parsed.MaxBody,
            });
            if (parsed.McpFixtures)
            {
                // The tools, resources and prompts the official MCP conformance suite calls by name.
                AgentOS.Hosting.Mcp.ConformanceFixtures.Register(kernel.Tools, server.McpServer, options.TimeProvider);
            }
            if (kernel.Evolution is { } loop)
            {
                notes.Add($"self-improving loop on: LLM queue {loop.Current}; pins {(loop.Pins.Count == 0 ? "none" : string.Join(", ", loop.Pins.Select(p => $"{p.Key}={p.Value}")))} (GET /v1/evolution, PUT/DELETE /v1/evolution/pins/{{parameter}})");
            }
            notes.Add($"credentials: {credentials.Count} (file {credentials.FilePath}, reloaded when it changes)");
        }
        catch (Exception ex) when (ex is ArgumentException or System.Net.Sockets.SocketException or CredentialFileException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine(ex is System.Net.Sockets.SocketException
                ? $"agentos serve: cannot listen on {parsed.Host} port {parsed.Port}: {ex.Message} (is the port taken, or the address not on this machine?)"
                : $"agentos serve: {ex.Message}");
            kernel.StopAsync().GetAwaiter().GetResult();
            return CommandLine.UsageError;
        }
        stderr.WriteLine($"listening on {server.Url}");
        if (parsed.InsecureNoAuth)
        {
            stderr.WriteLine("WARNING: AUTHENTICATION IS OFF (--insecure-no-auth): every request without a token acts as an administrator");
            stderr.WriteLine("WARNING: it may act for any agent, read any agent's storage and decide approvals; /v1/status reports \"authentication\": \"none ...\"");
        }
        foreach (var note in notes)
        {
            stderr.WriteLine(note);
        }
        stderr.WriteLine($"data in {Path.GetFullPath(kernel.DataDirectory)}; audit log {kernel.AuditLogPath}; stop with Ctrl+C or SIGTERM");
        stderr.Flush();

        // Memory the collector committed under load goes back to the system once the server has been idle a while.
        using var trimmer = parsed.IdleTrimSeconds > 0
            ? new IdleMemoryTrimmer(TimeProvider.System, TimeSpan.FromSeconds(parsed.IdleTrimSeconds), () => server.RequestsHandled, () =>
            {
                long before = Environment.WorkingSet;
                IdleMemoryTrimmer.CollectAggressively();
                stderr.WriteLine($"idle: memory trimmed (resident {before >> 20} MiB -> {Environment.WorkingSet >> 20} MiB)");
                stderr.Flush();
            })
            : null;
        using var stop = new ManualResetEventSlim();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        stop.Wait();
        // New requests get 503 kernel_stopping; those in flight keep their connections while the draining stop runs
        // or refuses their syscalls, and are answered with what really happened before the connections close.
        server.StopAccepting();
        kernel.StopAsync(drain: true).GetAwaiter().GetResult();
        server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        stderr.WriteLine("stopped");
        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Set();
        }
    }

    // serve registers its echo agent, and agents named by --agents or --api-key that the policy does not name, in the
    // kernel's default group; a policy without that group (or one that registers 'echo' itself) would fail later,
    // with the kernel already started.
    private static void RequireServeShape(AccessPolicy access)
    {
        if (access.FindGroup(AgentKernel.DefaultGroup) is null)
        {
            throw new AccessPolicyException($"it defines no group named '{AgentKernel.DefaultGroup}' (it has: {string.Join(", ", access.Groups.Select(g => $"'{g.Name}'"))}). "
                + $"serve puts its echo agent, and agents from --agents and --api-key that the policy does not list, in that group: add one, "
                + $"for example {{ \"name\": \"{AgentKernel.DefaultGroup}\", \"tools\": [\"*\"], \"llm_backends\": [\"*\"] }}.");
        }
        if (access.Agents.Any(a => string.Equals(a.Id, "echo", StringComparison.OrdinalIgnoreCase)))
        {
            throw new AccessPolicyException("it registers an agent named 'echo', the name of serve's built-in agent: rename that agent in the policy's \"agents\".");
        }
    }

    private sealed record Options(int Port, string Host, string? Token, string? Data, string? Config, string? Policy, IReadOnlyList<string> Agents, IReadOnlyDictionary<string, string> ApiKeys, long MaxBody, string? Credentials, bool InsecureNoAuth, int IdleTrimSeconds, bool McpFixtures, bool Evolve)
    {
        public static Options? Parse(string[] args, TextWriter stderr)
        {
            int port = 0;
            string host = "127.0.0.1";
            string? token = null, data = null, config = null, policy = null, credentials = null;
            bool open = false, mcpFixtures = false, evolve = false;
            var agents = new List<string>();
            var apiKeys = new Dictionary<string, string>(StringComparer.Ordinal);
            long maxBody = new HttpServerOptions().MaxBodyBytes;
            int idleTrim = 60;
            for (int i = 0; i < args.Length; i++)
            {
                string? Next() => i + 1 < args.Length ? args[++i] : null;
                string option = args[i]; // a guard's Next() moves i on to the value
                switch (option)
                {
                    case "--port" when int.TryParse(Next(), out port) && port is >= 0 and <= 65535:
                        break;
                    case "--host" when Next() is { } h:
                        host = h;
                        break;
                    case "--token" when Next() is { } t:
                        if (!CredentialTable.IsUsableToken(t))
                        {
                            stderr.WriteLine("agentos serve: --token must be visible characters without whitespace (it travels as 'Authorization: Bearer <token>').");
                            return null;
                        }
                        token = t;
                        break;
                    case "--credentials" when Next() is { } f:
                        credentials = f;
                        break;
                    case "--insecure-no-auth":
                        open = true;
                        break;
                    case "--mcp-conformance-fixtures":
                        mcpFixtures = true;
                        break;
                    case "--evolve":
                        evolve = true;
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
                    case "--agents" when Next() is { } a:
                        agents.AddRange(a.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                        break;
                    case "--api-key" when Next() is { } pair && pair.Split('=', 2) is [var key, var agent] && CredentialTable.IsUsableToken(key) && AgentOS.Access.AgentIdentity.IsValidId(agent) && apiKeys.TryAdd(key, agent):
                        break;
                    case "--idle-trim" when int.TryParse(Next(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out idleTrim):
                        break;
                    case "--max-body" when long.TryParse(Next(), out maxBody) && maxBody > 0:
                        break;
                    default:
                        stderr.WriteLine($"agentos serve: bad or incomplete option '{option}'.");
                        stderr.WriteLine("usage: dotnet AgentOS.Core.dll " + Usage);
                        return null;
                }
            }
            return new Options(port, host, token, data, config, policy, agents, apiKeys, maxBody, credentials, open, idleTrim, mcpFixtures, evolve);
        }
    }
}
