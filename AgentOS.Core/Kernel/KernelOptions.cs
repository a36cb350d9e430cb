using AgentOS.Access;
using AgentOS.Llm;
using AgentOS.Memory;
using AgentOS.Storage;
using AgentOS.Tools;

namespace AgentOS.Kernel;

/// <summary>How a kernel is built. Code first; <see cref="KernelConfig"/> reads the same settings from JSON.</summary>
public sealed record KernelOptions
{
    /// <summary>The clock for everything that waits or measures time. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the kernel keeps its files (storage, audit log). Default <c>./agentos-data</c>.</summary>
    public string DataDirectory { get; init; } = "agentos-data";

    /// <summary>The audit log's batching, rotation and retention (<c>audit.jsonl</c> in <see cref="DataDirectory"/>).
    /// Default: <see cref="AuditLogOptions"/>' defaults, on the system clock whatever <see cref="TimeProvider"/> is.</summary>
    public AuditLogOptions? AuditLog { get; init; }

    /// <summary>The LLM backends; the first is the default. Default: one <see cref="EchoLlmBackend"/>.</summary>
    public IReadOnlyList<ILlmBackend>? LlmBackends { get; init; }

    /// <summary>Rate limits by LLM backend name (requests and tokens per minute). Backends without an entry are
    /// unlimited; every backend still honours the Retry-After it reports.</summary>
    public IReadOnlyDictionary<string, LlmRateLimits>? LlmRateLimits { get; init; }

    /// <summary>Agents' memory. Default: a <see cref="BlockMemoryStore"/> with <see cref="Memory"/>'s settings that
    /// evicts into <see cref="Storage"/> (and reopens from it).</summary>
    public IMemoryStore? MemoryStore { get; init; }

    /// <summary>The default memory store's settings (blocks, quota, global limit, eviction, BM25).</summary>
    public MemoryStoreOptions? Memory { get; init; }

    /// <summary>Embeds memory items for vector and hybrid search; without one, memory search is lexical (BM25) and
    /// says so.</summary>
    public IEmbedder? Embedder { get; init; }

    /// <summary>When <see cref="Embedder"/> is unset: embeddings from one of <see cref="LlmBackends"/> (through the
    /// kernel's router). Neither set: memory retrieval is lexical only.</summary>
    public EmbeddingsConfig? Embeddings { get; init; }

    /// <summary>Persistent storage, opened by the caller (who disposes it). Default: the backend
    /// <see cref="StorageConfig"/> describes, opened and disposed by the kernel.</summary>
    public IStorageBackend? Storage { get; init; }

    /// <summary>The storage backend the kernel opens when <see cref="Storage"/> is not given. Default: the file store
    /// in <c>storage</c> under <see cref="DataDirectory"/>, behind a 64 MiB read cache.</summary>
    public StorageConfig? StorageConfig { get; init; }

    /// <summary>The tools agents may call.</summary>
    public ToolRegistry Tools { get; init; } = new();

    /// <summary>External MCP servers the kernel starts; their tools join <see cref="Tools"/> as <c>server.tool</c>
    /// (<see cref="AgentKernel.Mcp"/> adds more at run time).</summary>
    public IReadOnlyList<Tools.Mcp.McpServerConfig>? McpServers { get; init; }

    /// <summary>The MCP server's settings: how long an idle Streamable HTTP session lives, and whose client's model serves
    /// each agent on the <c>mcp-sampling</c> backend.</summary>
    public AgentOS.Mcp.McpOptions Mcp { get; init; } = new();

    /// <summary>For MCP servers configured with <c>sandbox: true</c>: the sandbox session each runs in. Unset: such
    /// servers are refused at start.</summary>
    public Func<Tools.Mcp.McpServerConfig, Computer.ISessionHost>? McpSandbox { get; init; }

    /// <summary>Who may do what. Default: every agent may use every tool and LLM backend, its own memory and its own
    /// storage namespace.</summary>
    public AccessPolicy? Access { get; init; }

    /// <summary>Who approves irreversible operations. Default: deny all.</summary>
    public IApprover? Approver { get; init; }

    /// <summary>
    /// The scheduling policy of each queue by name (fifo, priority, sjf, rr, edf, las, wfq). The LLM queue's default
    /// is <c>sjf</c> on output lengths learned online per (agent, call site) — a submitter's cost hint wins where given
    /// — which keeps FIFO order while the learned estimates do not rank true lengths (so it does no harm on traffic
    /// it cannot predict) and runs short answers first once they do.
    /// </summary>
    public string LlmPolicy { get; init; } = "sjf";

    /// <summary>The LLM queue's time slice for <c>rr</c> (default 1 s unless <see cref="LlmServiceQuantum"/> is set).</summary>
    public TimeSpan? LlmQuantum { get; init; }

    /// <summary>The LLM queue's quantum in tokens: level 0's budget for <c>las</c> (default 16), and each run's budget
    /// for <c>rr</c> when <see cref="LlmQuantum"/> is not set. A preempted generation resumes exactly where it stopped
    /// on backends that can (the embedded engine; HTTP backends that continue a partial answer).</summary>
    public double? LlmServiceQuantum { get; init; }

    /// <summary>How a kernel-kept conversation that outgrows its backend's window is fitted: <c>truncate</c> (drop the
    /// oldest turns, keep the system prompts) or <c>summarize</c> (the serving backend summarizes the dropped turns; a
    /// deterministic digest when it cannot). Default truncate.</summary>
    public string ContextStrategy { get; init; } = "truncate";

    /// <inheritdoc cref="LlmPolicy"/>
    public string MemoryPolicy { get; init; } = "sjf";

    /// <inheritdoc cref="LlmPolicy"/>
    public string StoragePolicy { get; init; } = "sjf";

    /// <inheritdoc cref="LlmPolicy"/>
    public string ToolPolicy { get; init; } = "fifo";

    /// <summary>Execution slots of the memory, storage and tool queues (the LLM queue takes the backends' slots).</summary>
    public int MemorySlots { get; init; } = 1;

    /// <inheritdoc cref="MemorySlots"/>
    public int StorageSlots { get; init; } = 1;

    /// <inheritdoc cref="MemorySlots"/>
    public int ToolSlots { get; init; } = 16;

    /// <summary>Reject syscalls still waiting at their deadline with a deadline-exceeded error instead of running them late.</summary>
    public bool ExpireAtDeadline { get; init; } = true;

    /// <summary>
    /// Drives <see cref="TimeProvider"/> (which must then be its <see cref="Time.ManualTimeProvider"/>) as virtual
    /// time: the kernel's queues and simulated backends report their quiescence to it, agents' steps are counted, and
    /// the clock jumps to the next timer only when nothing else can happen. <see langword="null"/> (default): real time.
    /// </summary>
    public Time.VirtualClockDriver? VirtualClock { get; init; }

    /// <summary>The Reactor: automatic repair (retry, circuit breaker, failover) with its playbooks' settings;
    /// <see langword="null"/> (default): off, and a failed syscall's error goes straight to its caller.</summary>
    public Reactor.ReactorOptions? Reactor { get; init; }

    /// <summary>Pin each queue's dispatcher thread to an allowed CPU (round robin over the allowed set).</summary>
    public bool PinDispatchers { get; init; }

    /// <summary>Computer-use sessions (sandboxed workspaces and the session and terminal tools);
    /// <see langword="null"/> (default): none.</summary>
    public Computer.ComputerOptions? Computer { get; init; }

    /// <summary>Agents declared without code (the config's <c>agents</c>), registered when the kernel starts; durable
    /// ones with <see cref="AgentKernel.RegisterDurableAgent"/>.</summary>
    public IReadOnlyList<AgentConfig>? Agents { get; init; }
}
