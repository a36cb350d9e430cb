using System.Collections.Concurrent;
using AgentOS.Access;
using AgentOS.Diagnostics;
using AgentOS.Events;
using AgentOS.Serialization;
using AgentOS.Llm;
using AgentOS.Memory;
using AgentOS.Scheduling;
using AgentOS.Sdk;
using AgentOS.Storage;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;
using AgentOS.Threading;
using AgentOS.Tools;

namespace AgentOS.Kernel;

/// <summary>
/// The kernel: the composition root that wires the access manager, the four resource queues and their managers, the
/// syscall router, and the registered agents. Start one with <see cref="Start"/>; agents reach it through
/// <see cref="Port"/> (or, remotely, through the HTTP server).
/// </summary>
public sealed partial class AgentKernel : IAsyncDisposable
{
    private readonly KernelOptions _options;
    private readonly ResourceQueue<Syscall>[] _queues;
    private readonly SyscallRouter _router;
    private readonly AccessManager _access;
    private readonly AuditLog _audit;
    private readonly LlmManager _llm;
    private readonly IStorageBackend _storage;
    private readonly bool _ownsStorage;
    private readonly SyscallTelemetry _telemetry;
    private readonly MemoryManager _memory;
    private readonly MemoryTelemetry _memoryTelemetry;
    private readonly bool _ownsMemoryStore;
    private readonly ConcurrentDictionary<string, AgentEntry> _agents = new(StringComparer.Ordinal);
    private readonly long _started;
    private int _stopped;

    private AgentKernel(KernelOptions options)
    {
        if (!Context.ContextManager.StrategyNames.Contains(options.ContextStrategy))
        {
            throw new ArgumentException($"The context strategy '{options.ContextStrategy}' is unknown; use one of {string.Join(", ", Context.ContextManager.StrategyNames)}.", nameof(options));
        }
        _options = options;
        Time = options.TimeProvider;
        _started = Time.GetTimestamp();
        var clock = options.VirtualClock;
        if (clock is not null && !ReferenceEquals(clock.Time, Time))
        {
            throw new ArgumentException("KernelOptions.VirtualClock drives a different clock than KernelOptions.TimeProvider; pass the driver's ManualTimeProvider as the TimeProvider.", nameof(options));
        }
        Directory.CreateDirectory(options.DataDirectory);
        Tools = options.Tools;

        // The audit log batches on the system clock whatever the kernel's clock: flushing is I/O, not semantics.
        _audit = AuditLog.Open(Path.Combine(options.DataDirectory, "audit.jsonl"), options.AuditLog);
        Approver = options.Approver ?? DenyAllApprover.Instance;
        _access = new AccessManager(options.Access ?? DefaultAccessPolicy(), Approver, _audit, Time);

        var backends = options.LlmBackends ?? [new EchoLlmBackend(time: Time)];
        Llm = new LlmRouter(backends, options.LlmRateLimits, Time);
        LlmEstimator = new LlmCostEstimator();
        // Storage opens (one kernel per data folder: the file store locks it), then conversations and the memory
        // store's index are read back from it before any syscall can run. If any of that fails, what this constructor
        // opened is closed again, so a retry in this process does not meet a store still open.
        _ownsStorage = options.Storage is null;
        IMemoryStore memoryStore;
        try
        {
            _storage = options.Storage ?? (options.StorageConfig ?? new StorageConfig()).CreateBackend(options.DataDirectory, Time);
            Contexts = Context.ContextManager.OpenAsync(options.ContextStrategy, _storage, LlmManager.EstimateTokens).AsTask().GetAwaiter().GetResult();
            // The default memory store swaps evicted blocks into the kernel's storage, so it reopens from there.
            memoryStore = options.MemoryStore
                ?? BlockMemoryStore.OpenAsync(options.Memory ?? new MemoryStoreOptions(), _storage,
                    options.Embedder ?? (options.Embeddings is { } embeddings ? new RoutedEmbedder(Llm, embeddings) : null), Time).AsTask().GetAwaiter().GetResult();
        }
        catch
        {
            if (_ownsStorage && _storage is not null)
            {
                _storage.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            _audit.Dispose();
            throw;
        }
        _llm = new LlmManager(Llm, new Context.GenerationStore(_storage), LlmEstimator, Contexts);
        var storage = _storageManager = new StorageManager(_storage);
        _ownsMemoryStore = options.MemoryStore is null;
        _memory = new MemoryManager(memoryStore, _access.MayReadMemory);
        var memoryCost = new MemoryCostEstimator(memoryStore);
        var tools = new ToolManager(Tools);

        var cpus = CpuAffinity.AllowedCpus();
        int next = 0;
        int? Cpu() => options.PinDispatchers ? cpus[next++ % cpus.Count] : null;
        bool expire = options.ExpireAtDeadline;
        _queues = new ResourceQueue<Syscall>[4];
        Action? idle = clock is null ? null : clock.Wake;
        // Each backend keeps to its own slots and rate limits: its syscalls form one concurrency group, gated by its limiter.
        _queues[(int)SyscallKind.Llm] = new(ResourceQueues.Llm(backends.Sum(b => b.Slots), SchedulingPolicies.Create(options.LlmPolicy, options.LlmQuantum, options.LlmServiceQuantum, LlmEstimator), Time) with
        {
            DispatcherCpu = Cpu(),
            ExpireAtDeadline = expire,
            ConcurrencyKey = LlmManager.BackendOf,
            ConcurrencyLimit = name => Llm.Get(name).Slots,
            StartGate = _llm.Gate,
            Idle = idle,
        }, _llm);
        _queues[(int)SyscallKind.Memory] = new(ResourceQueues.Memory(options.MemorySlots, SchedulingPolicies.Create(options.MemoryPolicy, estimator: memoryCost), Time) with { DispatcherCpu = Cpu(), ExpireAtDeadline = expire, Idle = idle, MaxBatch = 256, BatchCompatible = MemoryManager.Compatible }, _memory);
        _queues[(int)SyscallKind.Storage] = new(ResourceQueues.Storage<Syscall>(options.StorageSlots, StorageManager.Compatible, policy: SchedulingPolicies.Create(options.StoragePolicy, estimator: new StorageCostEstimator()), time: Time) with { DispatcherCpu = Cpu(), ExpireAtDeadline = expire, Idle = idle }, storage);
        _queues[(int)SyscallKind.Tool] = new(ResourceQueues.Tool<Syscall>(options.ToolSlots, s => Tools.GroupOf(s.Request.Tool!.Call.Name), Tools.LimitOf, Policy(options.ToolPolicy), Time) with { DispatcherCpu = Cpu(), ExpireAtDeadline = expire, Idle = idle }, tools);
        if (clock is not null)
        {
            // A queue is quiescent for the clock when its dispatcher is parked and every run it has out waits on a
            // timer of this clock: only simulated generations do; any other run is real work still going.
            var simulated = backends.OfType<Llm.Simulation.SimulatedLlmBackend>().ToArray();
            var llmQueue = _queues[(int)SyscallKind.Llm];
            clock.AddSource(() =>
            {
                int waiting = 0;
                foreach (var backend in simulated)
                {
                    waiting += backend.WaitingOnClock;
                }
                return llmQueue.IsQuiescentWith(waiting);
            });
            for (int i = 0; i < _queues.Length; i++)
            {
                if (i != (int)SyscallKind.Llm)
                {
                    var queue = _queues[i];
                    clock.AddSource(() => queue.IsQuiescentWith(0));
                }
            }
        }

        Events = new EventBus();
        Events.Types.Register(SyscallEvent.TypeName, AgentOSJsonContext.Default.SyscallEvent);
        Events.Types.Register(AgentEvent.TypeName, AgentOSJsonContext.Default.AgentEvent);
        Events.Types.Register(ToolLoopEvent.TypeName, AgentOSJsonContext.Default.ToolLoopEvent);
        _telemetry = new SyscallTelemetry(Time, QueueDepths);
        _memoryTelemetry = new MemoryTelemetry(memoryStore);
        var observers = new SyscallObservers(_telemetry, new SyscallEventPublisher(Events.GetChannel<SyscallEvent>(), Time));
        Llm.MayUse = _access.MayUseLlm;
        _router = new SyscallRouter(_access, _queues, Tools, (agent, query) => Llm.Route(query, agent).Name, Time, observers) { Clock = clock };
        Port = new InProcessPort(_router, ToolsFor);
        Sessions = CreateSessions(options); // before the MCP servers: those with sandbox: true start inside a session
        Mcp = StartMcpServers(options);
        Reactor = StartReactor(options.Reactor);
        _durableRuns = CreateDurableRuns(); // AgentKernel.Durable.cs
    }

    /// <summary>Builds and starts a kernel: its dispatcher threads run until <see cref="StopAsync"/>.</summary>
    public static AgentKernel Start(KernelOptions? options = null) => new(options ?? new KernelOptions());

    /// <summary>The in-process port: agents in this process submit their syscalls here.</summary>
    public IKernelPort Port { get; }

    /// <summary>Who approves irreversible operations (a <see cref="ManualApprover"/> is served over HTTP).</summary>
    public IApprover Approver { get; }

    /// <summary>The kernel's event bus: every syscall transition is a <see cref="SyscallEvent"/> on it, every agent run's
    /// start and end an <see cref="AgentEvent"/>.</summary>
    public EventBus Events { get; }

    /// <summary>The LLM backends: routing by model and capability, marking backends down and up (failover), and each
    /// backend's rate limiter.</summary>
    public LlmRouter Llm { get; }

    /// <summary>Agents' conversations (messages, token totals, preempted answers), kept and persisted by the kernel.</summary>
    public Context.ContextManager Contexts { get; }

    /// <summary>The storage backend behind storage syscalls (disposed with the kernel when the kernel created it).</summary>
    public IStorageBackend Storage => _storage;

    // The LLM queue's output-length estimates (learned per agent and call site) and their skill.
    internal LlmCostEstimator LlmEstimator { get; }

    /// <summary>The kernel's clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>The tools agents may call.</summary>
    public ToolRegistry Tools { get; }

    /// <summary>The kernel's data folder.</summary>
    public string DataDirectory => _options.DataDirectory;

    /// <summary>The audit log's file.</summary>
    public string AuditLogPath => _audit.Path!;

    /// <summary>The audit log: every denial and approval (durable before the caller sees it) and, in batches, every
    /// allowed decision.</summary>
    public AuditLog Audit => _audit;

    /// <summary>Registers an agent identity that submits syscalls itself (through a port), in the given groups.</summary>
    public void RegisterIdentity(string agentId, IReadOnlyList<string>? groups = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        _access.Register(new AgentIdentity(agentId, groups ?? [DefaultGroup]));
    }

    /// <summary>Registers an agent by name with a factory; its name is its identity.</summary>
    /// <exception cref="ArgumentException">The name is taken or invalid.</exception>
    public void RegisterAgent(string name, Func<Agent> factory, IReadOnlyList<string>? groups = null, string description = "")
    {
        ArgumentNullException.ThrowIfNull(factory);
        var registration = new AgentRegistration(name, factory, groups ?? [DefaultGroup], description);
        if (!_agents.TryAdd(name, new AgentEntry(registration)))
        {
            throw new ArgumentException($"An agent named '{name}' is already registered.", nameof(name));
        }
        RegisterIdentity(name, registration.Groups);
    }

    /// <summary>
    /// Creates the named agent and runs it on <paramref name="input"/> in this process. An agent that is
    /// <see cref="ICheckpointable"/> first gets its latest checkpoint back (if it has one), and is checkpointed again
    /// after a successful run, so its state survives kernel restarts.
    /// </summary>
    /// <exception cref="InvalidRequestException">No agent has that name, or <paramref name="input"/> is null.</exception>
    public Task<string> RunAgentAsync(string name, string input, CancellationToken cancellationToken = default)
    {
        if (_options.VirtualClock is not { } clock)
        {
            return RunAgentCoreAsync(name, input, cancellationToken);
        }
        // The agent's first stretch (up to its first wait) is a step of the virtual clock like every later one.
        clock.StepStarted();
        try
        {
            return RunAgentCoreAsync(name, input, cancellationToken);
        }
        finally
        {
            clock.StepEnded();
        }
    }

    private async Task<string> RunAgentCoreAsync(string name, string input, CancellationToken cancellationToken, Reactor.DurableRunRecord? resume = null)
    {
        if (!_agents.TryGetValue(name, out var entry))
        {
            throw new InvalidRequestException($"No agent is named '{name}'. Registered: {string.Join(", ", _agents.Keys.Order(StringComparer.Ordinal))}.");
        }
        if (input is null)
        {
            throw new InvalidRequestException("input is required: the text the agent runs on (\"\" for none).");
        }
        Interlocked.Increment(ref entry.Running);
        Events.Publish(new AgentEvent(name, AgentStage.Started, Time.GetUtcNow()));
        // Each run can be stopped by an operator (StopAgent): its token is the caller's, linked to one of its own.
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cancellationToken = run.Token;
        entry.Runs.TryAdd(run, 0);
        try
        {
            // A durable agent's run goes through its journal (AgentKernel.Durable.cs).
            var result = resume is not null || IsDurable(name)
                ? await RunDurableAsync(entry.Registration, input, resume, cancellationToken).ConfigureAwait(false)
                : await RunOnceAsync(entry.Registration, Port, input, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref entry.Completed);
            Events.Publish(new AgentEvent(name, AgentStage.Completed, Time.GetUtcNow()));
            return result;
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref entry.Failed);
            Events.Publish(new AgentEvent(name, AgentStage.Failed, Time.GetUtcNow(), $"{ex.GetType().Name}: {ex.Message}"));
            throw;
        }
        finally
        {
            entry.Runs.TryRemove(run, out _);
            Interlocked.Decrement(ref entry.Running);
        }
    }

    // One run of an agent's code with a context over port.
    private async Task<string> RunOnceAsync(AgentRegistration registration, IKernelPort port, string input, CancellationToken cancellationToken)
    {
        var agent = registration.Factory();
        var context = new AgentContext(registration.Name, port) { Events = Events };
        var durable = agent as ICheckpointable;
        if (durable is not null)
        {
            await context.RestoreAsync(durable, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        var result = await agent.RunAsync(context, input, cancellationToken).ConfigureAwait(false);
        if (durable is not null)
        {
            await context.CheckpointAsync(durable, cancellationToken).ConfigureAwait(false);
        }
        return result;
    }

    /// <summary>Whether every queue's dispatcher is parked with nothing to do (syscalls may still be running). On a
    /// manual clock, advance time only when this holds.</summary>
    public bool IsQuiescent => _queues.All(q => q.IsQuiescent);

    // Passes run by the dedicated dispatcher threads (tests use it to know where a round trip ran).
    internal long DispatcherThreadPasses => _queues.Sum(q => q.DispatcherThreadPasses);

    /// <summary>The access manager: the hosts ask it what an authenticated caller may do (act for, approve, monitor).</summary>
    internal AccessManager AccessManager => _access;

    /// <summary>Agents' memory (blocks, quotas, eviction, retrieval).</summary>
    public IMemoryStore Memory => _memory.Store;

    /// <summary>The kernel's counters.</summary>
    public KernelStatus Status => new(
        AgentOSInfo.Version,
        Time.GetElapsedTime(_started),
        new Dictionary<string, ResourceQueueStatistics>
        {
            ["llm"] = _queues[(int)SyscallKind.Llm].Statistics,
            ["memory"] = _queues[(int)SyscallKind.Memory].Statistics,
            ["storage"] = _queues[(int)SyscallKind.Storage].Statistics,
            ["tool"] = _queues[(int)SyscallKind.Tool].Statistics,
        },
        [.. _agents.Values.OrderBy(a => a.Registration.Name, StringComparer.Ordinal)
            .Select(a => new AgentStatus(a.Registration.Name, a.Registration.Description, Volatile.Read(ref a.Running), Volatile.Read(ref a.Completed), Volatile.Read(ref a.Failed)))],
        _memory.Store.Statistics,
        Contexts.Statistics,
        _audit.Statistics)
    {
        Evolution = EvolutionStatus,
        Computer = Sessions?.Status,
        Reactor = Reactor?.Status,
    };

    /// <summary>
    /// Stops the kernel: new syscalls fail with <see cref="KernelStoppingException"/>; with <paramref name="drain"/>
    /// every accepted syscall still runs, otherwise waiting ones fail with the same error. The
    /// dispatcher threads are joined and the audit log flushed before this completes. Without draining, running syscalls
    /// are cancelled too.
    /// </summary>
    public async Task StopAsync(bool drain = true)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }
        _router.BeginStopping();
        Reactor?.Dispose();
        if (!drain)
        {
            _router.CancelRunning();
        }
        await Task.WhenAll(_queues.Select(q => q.StopAsync(drain))).ConfigureAwait(false);
        // After the tool queue: no call is left that needs its server.
        await Mcp.DisposeAsync().ConfigureAwait(false);
        _router.Dispose();
        if (Sessions is not null)
        {
            await Sessions.DisposeAsync().ConfigureAwait(false);
            await _codeInterpreters!.DisposeAsync().ConfigureAwait(false);
            await _browsers!.DisposeAsync().ConfigureAwait(false);
        }
        _telemetry.Dispose();
        _memoryTelemetry.Dispose();
        // Every memory item reaches storage before the kernel stops, so the next kernel on this data folder has them.
        if (_ownsMemoryStore)
        {
            await _memory.Store.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            await _memory.Store.FlushAsync().ConfigureAwait(false);
        }
        await Events.DisposeAsync().ConfigureAwait(false);
        await _audit.DisposeAsync().ConfigureAwait(false);
        if (_ownsStorage)
        {
            await _storage.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops with draining.</summary>
    public async ValueTask DisposeAsync() => await StopAsync(drain: true).ConfigureAwait(false);

    private IEnumerable<System.Diagnostics.Metrics.Measurement<int>> QueueDepths()
    {
        string[] names = ["llm", "memory", "storage", "tool"];
        for (int i = 0; i < _queues.Length; i++)
        {
            yield return new(_queues[i].Statistics.Waiting, new KeyValuePair<string, object?>("queue", names[i]));
        }
    }

    private static ISchedulingPolicy<Syscall> Policy(string name, ICostEstimator<Syscall>? estimator = null) => SchedulingPolicies.Create(name, estimator: estimator);

    private sealed class AgentEntry(AgentRegistration registration)
    {
        public AgentRegistration Registration { get; } = registration;
        public int Running;
        public long Completed;
        public long Failed;
        public readonly ConcurrentDictionary<CancellationTokenSource, byte> Runs = new();
    }
}
