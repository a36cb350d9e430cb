using System.Text.Json;
using System.Text.Json.Serialization;
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
///   "llm_backends": [ { "type": "echo", "name": "echo", "latency_ms": 5, "slots": 4 } ] }
/// </code></example>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class KernelConfig
{
    /// <summary>See <see cref="KernelOptions.DataDirectory"/>.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>See <see cref="KernelOptions.LlmPolicy"/>.</summary>
    public string? LlmPolicy { get; init; }

    /// <summary>See <see cref="KernelOptions.LlmServiceQuantum"/>: the LLM queue's quantum in tokens (rr, las).</summary>
    public double? LlmQuantumTokens { get; init; }

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
            MemoryPolicy = MemoryPolicy ?? defaults.MemoryPolicy,
            StoragePolicy = StoragePolicy ?? defaults.StoragePolicy,
            ToolPolicy = ToolPolicy ?? defaults.ToolPolicy,
            MemorySlots = MemorySlots ?? defaults.MemorySlots,
            StorageSlots = StorageSlots ?? defaults.StorageSlots,
            ToolSlots = ToolSlots ?? defaults.ToolSlots,
            ExpireAtDeadline = ExpireAtDeadline ?? defaults.ExpireAtDeadline,
            PinDispatchers = PinDispatchers ?? defaults.PinDispatchers,
            LlmBackends = LlmBackends?.Select(b => b.Create(clock)).ToList(),
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
        foreach (var backend in LlmBackends ?? [])
        {
            backend.Validate(source);
        }
    }
}

/// <summary>One LLM backend in the config file.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class LlmBackendConfig
{
    /// <summary>The backend type: <c>echo</c> (a stand-in that repeats the prompt) or <c>embedded</c> (the llama2.c
    /// engine; needs <see cref="ModelPath"/> and <see cref="TokenizerPath"/>).</summary>
    public required string Type { get; init; }

    /// <summary>Its name (default: the type).</summary>
    public string? Name { get; init; }

    /// <summary>Generation slots (default 1).</summary>
    public int Slots { get; init; } = 1;

    /// <summary>For <c>echo</c>: the simulated latency in milliseconds.</summary>
    public double LatencyMs { get; init; }

    /// <summary>For <c>embedded</c>: the llama2.c checkpoint.</summary>
    public string? ModelPath { get; init; }

    /// <summary>For <c>embedded</c>: its tokenizer.bin.</summary>
    public string? TokenizerPath { get; init; }

    internal void Validate(string source)
    {
        if (Type is not ("echo" or "embedded"))
        {
            throw new KernelConfigException($"{source}: LLM backend type '{Type}' is unknown; available: echo, embedded.");
        }
        if (Type == "embedded" && (string.IsNullOrEmpty(ModelPath) || string.IsNullOrEmpty(TokenizerPath)))
        {
            throw new KernelConfigException($"{source}: the embedded backend '{Name ?? Type}' needs model_path and tokenizer_path.");
        }
        if (Slots is < 1 or > 4096 || LatencyMs < 0)
        {
            throw new KernelConfigException($"{source}: LLM backend '{Name ?? Type}' needs 1-4096 slots and a latency of 0 ms or more.");
        }
    }

    internal ILlmBackend Create(TimeProvider time) => Type == "embedded"
        ? new Llm.Embedded.EmbeddedLlmBackend(ModelPath!, TokenizerPath!, Name ?? Type, Slots)
        : new EchoLlmBackend(TimeSpan.FromMilliseconds(LatencyMs), time, Slots, Name ?? Type);
}
