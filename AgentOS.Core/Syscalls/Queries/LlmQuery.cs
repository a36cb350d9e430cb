using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace AgentOS.Syscalls.Queries;

/// <summary>An LLM call (AIOS's LLMQuery): messages, optional tools to plan with, and generation settings.</summary>
public sealed class LlmQuery
{
    /// <summary>The most tokens generated when <see cref="MaxTokens"/> is not given.</summary>
    public const int DefaultMaxTokens = 256;

    /// <summary>An empty query; set <see cref="Messages"/>.</summary>
    public LlmQuery()
    {
    }

    // The JSON constructor. The source-generated serializer builds a type with init-only properties through one object
    // initializer that assigns every init-only property, a missing one as default(T): `= 256` on the property would
    // be lost (max_tokens 0 over HTTP). A constructor parameter's default is honoured instead, so each property with a
    // non-default value takes it from here (Tests/Serialization/WireDefaultsTests checks every wire type).
    [JsonConstructor, SetsRequiredMembers]
    internal LlmQuery(IReadOnlyList<ChatMessage> messages, int maxTokens = DefaultMaxTokens)
    {
        Messages = messages;
        MaxTokens = maxTokens;
    }

    /// <summary>The conversation so far.</summary>
    public required IReadOnlyList<ChatMessage> Messages { get; init; }

    /// <summary>Tools the model may ask to call (tool-call planning); their schemas come from the tool registry.</summary>
    public IReadOnlyList<ToolSpec>? Tools { get; init; }

    /// <summary>Ask for a JSON object as the answer.</summary>
    public bool JsonOutput { get; init; }

    /// <summary>The most tokens to generate.</summary>
    public int MaxTokens { get; init; } = DefaultMaxTokens;

    /// <summary>Sampling temperature (0 = greedy).</summary>
    public double Temperature { get; init; }

    /// <summary>The sampling seed, for backends that take one (the embedded engine: run.c's generator, default 1).
    /// With the same seed and query a backend that owns its model gives the same answer.</summary>
    public ulong? Seed { get; init; }

    /// <summary>The conversation this query belongs to (a name unique per agent, usable in a storage key). When set, a
    /// generation preempted by the scheduler keeps its snapshot in the kernel's storage, and the same query submitted
    /// to a kernel restarted on that storage (after a crash too) continues it instead of starting over.</summary>
    public string? ContextId { get; init; }

    /// <summary>With <see cref="ContextId"/>: the conversation is the kernel's. <see cref="Messages"/> are only this
    /// turn's new messages (the prompt, tool results); the kernel sends its stored conversation with them, fitted to the
    /// serving backend's window by its context strategy, and appends them and the answer once it is back.</summary>
    public bool AppendToContext { get; init; }

    /// <summary>The backend or model to use; <see langword="null"/> for the kernel's default.</summary>
    public string? Backend { get; init; }

    /// <summary>
    /// The place in the agent's code that asks (the SDK fills in the calling method's name when this is
    /// <see langword="null"/>). The kernel learns output lengths per (agent, call site), so a call site that always
    /// answers briefly is scheduled ahead of one that writes essays.
    /// </summary>
    public string? CallSite { get; set; }
}
