using System.Text.Json;
using System.Text.Json.Serialization;
using AgentOS.Formats;
using AgentOS.Llm;
using AgentOS.Scheduling;
using AgentOS.Serialization;

namespace AgentOS.Kernel;

/// <summary>
/// The kernel's settings as a JSON file (snake_case; comments and trailing commas allowed; unknown keys rejected so a
/// typo is an error, not a silently ignored setting). Every key is optional.
/// </summary>
/// <example><code>
/// { "data_directory": "agentos-data", "llm_policy": "sjf", "tool_slots": 32,
///   "llm_backends": [ { "type": "echo", "name": "echo", "latency_ms": 5, "slots": 4 },
///     { "type": "openai", "name": "local", "base_url": "http://127.0.0.1:11434/v1", "models": ["llama3.1"], "slots": 2 },
///     { "type": "anthropic", "models": ["claude-sonnet-4-5"], "api_key_env": "ANTHROPIC_API_KEY", "requests_per_minute": 50 } ] }
/// </code></example>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed partial class KernelConfig
{
    /// <summary>The file's format version (<see cref="FormatVersions.Config"/>); a file without it is version 0, which
    /// reads the same. A newer version is refused with how to migrate.</summary>
    public int? FormatVersion { get; init; }

    /// <summary>See <see cref="KernelOptions.DataDirectory"/>.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>See <see cref="KernelOptions.LlmPolicy"/>.</summary>
    public string? LlmPolicy { get; init; }

    /// <summary>See <see cref="KernelOptions.LlmServiceQuantum"/>: the LLM queue's quantum in tokens (rr, las).</summary>
    public double? LlmQuantumTokens { get; init; }

    /// <summary>See <see cref="KernelOptions.ContextStrategy"/>: truncate (default) or summarize.</summary>
    public string? ContextStrategy { get; init; }

    /// <summary>See <see cref="KernelOptions.MemoryPolicy"/>.</summary>
    public string? MemoryPolicy { get; init; }

    /// <summary>See <see cref="KernelOptions.StoragePolicy"/>.</summary>
    public string? StoragePolicy { get; init; }

    /// <summary>See <see cref="KernelOptions.ToolPolicy"/>.</summary>
    public string? ToolPolicy { get; init; }

    /// <summary>See <see cref="KernelOptions.MemorySlots"/>.</summary>
    public int? MemorySlots { get; init; }

    /// <summary>See <see cref="KernelOptions.StorageSlots"/>.</summary>
    public int? StorageSlots { get; init; }

    /// <summary>See <see cref="KernelOptions.ToolSlots"/>.</summary>
    public int? ToolSlots { get; init; }

    /// <summary>See <see cref="KernelOptions.ExpireAtDeadline"/>.</summary>
    public bool? ExpireAtDeadline { get; init; }

    /// <summary>See <see cref="KernelOptions.PinDispatchers"/>.</summary>
    public bool? PinDispatchers { get; init; }

    /// <summary>The LLM backends (the first is the default).</summary>
    public IReadOnlyList<LlmBackendConfig>? LlmBackends { get; init; }

    /// <summary>See <see cref="KernelOptions.Memory"/>: for example
    /// <c>{ "global_limit_bytes": 268435456, "agent_quota_bytes": 67108864, "over_quota": "evict", "lru_k": 2 }</c>.</summary>
    public Memory.MemoryStoreOptions? Memory { get; init; }

    /// <summary>See <see cref="KernelOptions.Embeddings"/>: memory's vector retrieval through an LLM backend.</summary>
    public EmbeddingsConfig? Embeddings { get; set; }

    /// <summary>The storage backend (default: the file store under the data folder, with a read cache).</summary>
    public StorageConfig? Storage { get; set; }

    /// <summary>See <see cref="KernelOptions.Computer"/>: computer-use sessions (absent: none).</summary>
    public Computer.ComputerOptions? Computer { get; set; }

    /// <summary>See <see cref="KernelOptions.Reactor"/>: automatic repair, on when present (see docs/reactor.md).</summary>
    public Reactor.ReactorOptions? Reactor { get; set; }

    /// <summary>The self-improving loop over the LLM queue: <c>serve</c> starts it when present and enabled, with its
    /// pins (see docs/evolution.md).</summary>
    public Evolution.EvolutionConfig? Evolution { get; set; }

    /// <summary>External MCP servers whose tools become kernel tools (see <see cref="Tools.Mcp.McpServerConfig"/>).</summary>
    public IReadOnlyList<Tools.Mcp.McpServerConfig>? McpServers { get; init; }

    /// <summary>HTTP endpoints that become kernel tools (see <see cref="Tools.HttpToolConfig"/>).</summary>
    public IReadOnlyList<Tools.HttpToolConfig>? HttpTools { get; init; }

    /// <summary>See <see cref="KernelOptions.Mcp"/>: the MCP server's settings (session idle timeout, sampling by agent).</summary>
    public AgentOS.Mcp.McpOptions? Mcp { get; set; }

    /// <summary>Reads a config file.</summary>
    /// <exception cref="KernelConfigException">The file is missing, not JSON, or has an unknown key or a bad value.</exception>
    public static KernelConfig Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KernelConfigException($"Cannot read the kernel config '{path}': {ex.Message}", ex);
        }
        return Parse(json, path);
    }

    /// <summary>Parses config JSON.</summary>
    /// <exception cref="KernelConfigException">Not JSON, an unknown key, or a bad value.</exception>
    public static KernelConfig Parse(string json, string source = "config")
    {
        try
        {
            JsonFormatVersion.ThrowIfUnsupported(json, source, "kernel config", FormatVersions.Config);
        }
        catch (FormatVersionException ex)
        {
            throw new KernelConfigException(ex.Message, ex);
        }
        try
        {
            var config = JsonSerializer.Deserialize(json, AgentOSJsonContext.Default.KernelConfig)
                ?? throw new KernelConfigException($"The kernel config in {source} is empty (null).");
            config.Validate(source);
            return config;
        }
        catch (JsonException ex)
        {
            throw new KernelConfigException($"The kernel config in {source} is invalid at {ex.Path ?? "$"} (line {ex.LineNumber + 1}): {ex.Message}", ex);
        }
    }

    /// <summary>The options these settings describe, on <paramref name="time"/> (default: the system clock).</summary>
    public KernelOptions ToOptions(TimeProvider? time = null)
    {
        var clock = time ?? TimeProvider.System;
        var defaults = new KernelOptions();
        return new KernelOptions
        {
            TimeProvider = clock,
            DataDirectory = DataDirectory ?? defaults.DataDirectory,
            LlmPolicy = LlmPolicy ?? defaults.LlmPolicy,
            LlmServiceQuantum = LlmQuantumTokens,
            ContextStrategy = ContextStrategy?.ToLowerInvariant() ?? defaults.ContextStrategy,
            MemoryPolicy = MemoryPolicy ?? defaults.MemoryPolicy,
            StoragePolicy = StoragePolicy ?? defaults.StoragePolicy,
            ToolPolicy = ToolPolicy ?? defaults.ToolPolicy,
            MemorySlots = MemorySlots ?? defaults.MemorySlots,
            StorageSlots = StorageSlots ?? defaults.StorageSlots,
            ToolSlots = ToolSlots ?? defaults.ToolSlots,
            ExpireAtDeadline = ExpireAtDeadline ?? defaults.ExpireAtDeadline,
            PinDispatchers = PinDispatchers ?? defaults.PinDispatchers,
            LlmBackends = LlmBackends?.Select(b => b.Create(clock)).ToList(),
            LlmRateLimits = LlmBackends?.Where(b => b.RequestsPerMinute is not null || b.TokensPerMinute is not null)
                .ToDictionary(b => b.Name ?? b.Type, b => new LlmRateLimits { RequestsPerMinute = b.RequestsPerMinute, TokensPerMinute = b.TokensPerMinute }, StringComparer.Ordinal),
            Memory = Memory,
            Embeddings = Embeddings,
            StorageConfig = Storage,
            Computer = Computer,
            Reactor = Reactor is { Enabled: true } ? Reactor : null,
            Tools = ConfiguredTools(clock),
            McpServers = McpServers,
            Mcp = Mcp ?? defaults.Mcp,
            Agents = Agents,
        };
    }

    private void Validate(string source)
    {
        foreach (var (key, policy) in new[] { ("llm_policy", LlmPolicy), ("memory_policy", MemoryPolicy), ("storage_policy", StoragePolicy), ("tool_policy", ToolPolicy) })
        {
            if (policy is not null && !SchedulingPolicies.Names.Contains(policy.ToLowerInvariant()))
            {
                throw new KernelConfigException($"{source}: {key} '{policy}' is not a policy; use one of {string.Join(", ", SchedulingPolicies.Names)}.");
            }
        }
        if (ContextStrategy is not null && !Context.ContextManager.StrategyNames.Contains(ContextStrategy.ToLowerInvariant()))
        {
            throw new KernelConfigException($"{source}: context_strategy '{ContextStrategy}' is not a context strategy; use one of {string.Join(", ", Context.ContextManager.StrategyNames)}.");
        }
        if (LlmQuantumTokens is { } quantum && !(quantum >= 1))
        {
            throw new KernelConfigException($"{source}: llm_quantum_tokens must be at least 1, not {quantum}.");
        }
        foreach (var (key, slots) in new[] { ("memory_slots", MemorySlots), ("storage_slots", StorageSlots), ("tool_slots", ToolSlots) })
        {
            if (slots is < 1 or > 4096)
            {
                throw new KernelConfigException($"{source}: {key} must be between 1 and 4096, not {slots}.");
            }
        }
        if (Embeddings is { Dimensions: < 1 or > 65536 })
        {
            throw new KernelConfigException($"{source}: embeddings.dimensions must be the embedding model's vector length (1 to 65536), not {Embeddings.Dimensions}.");
        }
        if (Embeddings?.Backend is { } name && LlmBackends?.Any(b => (b.Name ?? b.Type) == name || (b.Models?.Contains(name) ?? false)) != true)
        {
            throw new KernelConfigException($"{source}: embeddings.backend '{name}' is not a configured LLM backend or model.");
        }
        try
        {
            Memory?.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new KernelConfigException($"{source}: memory: {ex.Message}", ex);
        }
        foreach (var backend in LlmBackends ?? [])
        {
            backend.Validate(source);
        }
        Storage?.Validate(source);
        try
        {
            Reactor?.Validate();
            Mcp?.Validate();
            Evolution?.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new KernelConfigException($"{source}: {ex.Message}", ex);
        }
        ValidateTools(source);
        ValidateAgents(source); // KernelConfig.Agents.cs
    }
}

/// <summary>One LLM backend in the config file.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class LlmBackendConfig
{
    /// <summary>The backend type: <c>echo</c> (a stand-in that repeats the prompt), <c>embedded</c> (the llama2.c
    /// engine; needs <see cref="ModelPath"/> and <see cref="TokenizerPath"/>), <c>openai</c> (any OpenAI-compatible
    /// server) or <c>anthropic</c> (the Messages API); the last two need <see cref="Models"/>.</summary>
    public required string Type { get; set; }

    /// <summary>Its name (default: the type).</summary>
    public string? Name { get; set; }

    /// <summary>Generation slots (default 1).</summary>
    public int Slots { get; set; } = 1;

    /// <summary>For <c>echo</c>: the simulated latency in milliseconds.</summary>
    public double LatencyMs { get; set; }

    /// <summary>For <c>embedded</c>: the llama2.c checkpoint.</summary>
    public string? ModelPath { get; set; }

    /// <summary>For <c>embedded</c>: its tokenizer.bin.</summary>
    public string? TokenizerPath { get; set; }

    /// <summary>For <c>openai</c> and <c>anthropic</c>: the API's base URL (default: <c>OPENAI_BASE_URL</c> or
    /// <c>ANTHROPIC_BASE_URL</c>, else the provider's public endpoint). OpenAI-compatible URLs include <c>/v1</c>.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>For <c>openai</c> and <c>anthropic</c>: the environment variable holding the API key (default
    /// <c>OPENAI_API_KEY</c> or <c>ANTHROPIC_API_KEY</c>). The key itself never goes in the file.</summary>
    public string? ApiKeyEnv { get; set; }

    /// <summary>For <c>openai</c> and <c>anthropic</c>: the models it serves (the first is its default); queries naming
    /// one of them are routed here.</summary>
    public IReadOnlyList<string>? Models { get; set; }

    /// <summary>For <c>openai</c>: the embedding model (unset: no embeddings).</summary>
    public string? EmbeddingModel { get; set; }

    /// <summary>For <c>openai</c> (vLLM): the server continues a trailing assistant message.</summary>
    public bool ContinueFinalMessage { get; set; }

    /// <summary>For <c>openai</c> and <c>anthropic</c>: seconds the server may stay silent before a call fails (default 120).</summary>
    public double? TimeoutSeconds { get; set; }

    /// <summary>For <c>openai</c> and <c>anthropic</c>: the model's context window in tokens, if known.</summary>
    public int? MaxContextTokens { get; set; }

    /// <summary>Requests started per minute (any type; unset: unlimited).</summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Tokens per minute (any type; unset: unlimited).</summary>
    public int? TokensPerMinute { get; set; }

    /// <summary>A fault drill on this backend (any type): 429s, 500s, timeouts, cut streams and slow first tokens at
    /// the given chances and seed (see docs/reactor.md).</summary>
    public Syscalls.Faults.FaultOptions? Faults { get; set; }

    internal void Validate(string source)
    {
        if (Type is not ("echo" or "embedded" or "openai" or "anthropic"))
        {
            throw new KernelConfigException($"{source}: LLM backend type '{Type}' is unknown; available: echo, embedded, openai, anthropic.");
        }
        if (Type is "openai" or "anthropic" && (Models is not { Count: > 0 } || Models.Any(string.IsNullOrWhiteSpace)))
        {
            throw new KernelConfigException($"{source}: the {Type} backend '{Name ?? Type}' needs models: the model names it serves, the first being its default.");
        }
        if (BaseUrl is not null && !(Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            throw new KernelConfigException($"{source}: LLM backend '{Name ?? Type}' has base_url '{BaseUrl}', which is not an http(s) URL.");
        }
        if (RequestsPerMinute is < 1 || TokensPerMinute is < 1 || TimeoutSeconds is <= 0 || MaxContextTokens is < 1)
        {
            throw new KernelConfigException($"{source}: LLM backend '{Name ?? Type}' needs requests_per_minute, tokens_per_minute, timeout_seconds and max_context_tokens above 0 where set.");
        }
        if (Type == "embedded" && (string.IsNullOrEmpty(ModelPath) || string.IsNullOrEmpty(TokenizerPath)))
        {
            throw new KernelConfigException($"{source}: the embedded backend '{Name ?? Type}' needs model_path and tokenizer_path.");
        }
        if (Slots is < 1 or > 4096 || LatencyMs < 0)
        {
            throw new KernelConfigException($"{source}: LLM backend '{Name ?? Type}' needs 1-4096 slots and a latency of 0 ms or more.");
        }
        try
        {
            Faults?.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new KernelConfigException($"{source}: LLM backend '{Name ?? Type}': {ex.Message}", ex);
        }
    }

    internal ILlmBackend Create(TimeProvider time) =>
        Faults is { } faults ? new Llm.Faults.FaultInjectingLlmBackend(CreateBackend(time), new Syscalls.Faults.FaultInjector(faults, time)) : CreateBackend(time);

    private ILlmBackend CreateBackend(TimeProvider time) => Type switch
    {
        "embedded" => new Llm.Embedded.EmbeddedLlmBackend(ModelPath!, TokenizerPath!, Name ?? Type, Slots),
        "openai" => new Llm.Http.OpenAiBackend(new()
        {
            Name = Name ?? Type,
            BaseUrl = BaseUrl,
            ApiKeyEnvironmentVariable = ApiKeyEnv ?? "OPENAI_API_KEY",
            Models = Models!,
            EmbeddingModel = EmbeddingModel,
            ContinueFinalMessage = ContinueFinalMessage,
            Slots = Slots,
            Timeout = TimeSpan.FromSeconds(TimeoutSeconds ?? 120),
            MaxContextTokens = MaxContextTokens,
            TimeProvider = time,
        }),
        "anthropic" => new Llm.Http.AnthropicBackend(new()
        {
            Name = Name ?? Type,
            BaseUrl = BaseUrl,
            ApiKeyEnvironmentVariable = ApiKeyEnv ?? "ANTHROPIC_API_KEY",
            Models = Models!,
            Slots = Slots,
            Timeout = TimeSpan.FromSeconds(TimeoutSeconds ?? 120),
            MaxContextTokens = MaxContextTokens,
            TimeProvider = time,
        }),
        _ => new EchoLlmBackend(TimeSpan.FromMilliseconds(LatencyMs), time, Slots, Name ?? Type),
    };
}
