using System.Collections.Concurrent;
using System.Text.Json;
using AgentOS.Access;
using AgentOS.Kernel;
using AgentOS.Mcp;
using AgentOS.Mcp.Protocol;
using AgentOS.Tools;

namespace AgentOS.Hosting.Mcp;

/// <summary>
/// The MCP server of one kernel: what every session shares — the kernel, the resource and prompt sources, and the
/// sessions that are open (the approver asks their clients). Sessions are made by the transports (stdio, Streamable
/// HTTP) after they authenticated the caller.
/// </summary>
internal sealed class McpServer
{
    /// <summary>The empty object, for absent arguments.</summary>
    public static readonly JsonElement EmptyObject = JsonElement.Parse("{}");

    private static readonly JsonElement AgentInputSchema = JsonElement.Parse("""{"type":"object","properties":{"input":{"type":"string","description":"What the agent runs on."}},"required":["input"]}""");

    private readonly ConcurrentDictionary<McpSession, byte> _sessions = new();
    private readonly List<IMcpResourceSource> _resources = [];
    private readonly List<IMcpPromptSource> _prompts = [];

    public McpServer(AgentKernel kernel)
    {
        Kernel = kernel;
        _resources.Add(new KernelResources(kernel));
        _prompts.Add(new AgentPrompts(kernel));
    }

    public AgentKernel Kernel { get; }

    public IReadOnlyList<ResourceTemplate> ResourceTemplates => [.. _resources.SelectMany(r => r.Templates)];

    /// <summary>The sessions open now.</summary>
    public IEnumerable<McpSession> Sessions => _sessions.Keys;

    /// <summary>Adds a resource source (the fixtures).</summary>
    public void Add(IMcpResourceSource source) => _resources.Add(source);

    /// <summary>Adds a prompt source (the fixtures).</summary>
    public void Add(IMcpPromptSource source) => _prompts.Add(source);

    /// <summary>Opens a session for an authenticated principal acting as <paramref name="agentId"/>.</summary>
    public McpSession Open(Principal principal, string agentId, IMcpSink sessionSink, string? id = null)
    {
        var session = new McpSession(this, principal, agentId, sessionSink) { Id = id };
        _sessions[session] = 0;
        return session;
    }

    internal void Forget(McpSession session) => _sessions.TryRemove(session, out _);

    public static InitializeResult InitializeResult(string protocolVersion) => new()
    {
        ProtocolVersion = protocolVersion,
        ServerInfo = new Implementation { Name = "agentos", Title = "AgentOS", Version = AgentOSInfo.Version },
        Capabilities = new ServerCapabilities
        {
            Tools = new ToolsCapability { ListChanged = false },
            Resources = new ResourcesCapability { Subscribe = true, ListChanged = false },
            Prompts = new PromptsCapability { ListChanged = false },
            Logging = new McpEmpty(),
            Completions = new McpEmpty(),
        },
        Instructions = "AgentOS kernel: every request runs as a syscall of the agent this session acts as (scheduled, permission-checked, budgeted and audited). Tools named agent.NAME run a registered agent.",
    };

    public IReadOnlyList<Tool> ListTools()
    {
        var tools = new List<Tool>();
        foreach (var tool in Kernel.Tools.All)
        {
            tools.Add(ToMcpTool(tool));
        }
        foreach (var agent in Kernel.Status.Agents)
        {
            tools.Add(new Tool
            {
                Name = McpSession.AgentToolPrefix + agent.Name,
                Title = $"Run agent {agent.Name}",
                Description = string.IsNullOrEmpty(agent.Description) ? $"Runs the registered agent '{agent.Name}' on an input and returns its answer." : $"Runs the registered agent '{agent.Name}': {agent.Description}",
                InputSchema = AgentInputSchema,
                Annotations = new ToolAnnotations { OpenWorldHint = true },
            });
        }
        return tools;
    }

    private static Tool ToMcpTool(ToolDefinition tool) => new()
    {
        Name = tool.Name,
        Description = tool.Description,
        InputSchema = tool.ParametersSchema,
        OutputSchema = tool.OutputSchema,
        Annotations = tool.Irreversible || tool.Idempotent
            ? new ToolAnnotations { DestructiveHint = tool.Irreversible ? true : null, IdempotentHint = tool.Idempotent ? true : null }
            : null,
    };

    public AgentStatus? FindAgent(string name) => Kernel.Status.Agents.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.Ordinal));

    public IMcpResourceSource? ResourceSource(string uri) => _resources.FirstOrDefault(r => r.Owns(uri));

    public IReadOnlyList<IMcpResourceSource> ResourceSources => _resources;

    public IReadOnlyList<Prompt> ListPrompts() => [.. _prompts.SelectMany(p => p.List())];

    public GetPromptResult GetPrompt(GetPromptRequestParams request)
    {
        var arguments = (IReadOnlyDictionary<string, string>?)request.Arguments ?? new Dictionary<string, string>();
        foreach (var source in _prompts)
        {
            if (source.Get(request.Name, arguments) is { } prompt)
            {
                return prompt;
            }
        }
        throw McpException.InvalidParams($"Invalid params: no prompt is named '{request.Name}' (prompts/list names them).");
    }
}
