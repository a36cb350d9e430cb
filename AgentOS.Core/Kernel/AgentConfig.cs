using System.Text.Json;
using System.Text.Json.Serialization;
using AgentOS.Sdk;

namespace AgentOS.Kernel;

/// <summary>
/// An agent declared in the kernel config's <c>agents</c> array, registered when the kernel starts. Its kind is
/// <c>tool_steps</c> (the only one so far): a <see cref="ToolStepsAgent"/> that calls the listed tools in order.
/// </summary>
/// <example><code>
/// "agents": [ { "name": "ledger", "durable": true, "description": "Books a payment and mails the receipt.",
///   "steps": [ { "tool": "payments.book", "arguments": { "order": "{input}" } },
///              { "tool": "mail.send", "arguments": { "body": "{previous}" } } ] } ]
/// </code></example>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class AgentConfig
{
    /// <summary>Its name, which is its identity.</summary>
    public required string Name { get; init; }

    /// <summary>Its kind: <c>tool_steps</c> (default).</summary>
    public string Kind { get; set; } = "tool_steps";

    /// <summary>What it does (shown in status).</summary>
    public string Description { get; set; } = "";

    /// <summary>Its privilege groups (default: the kernel's default group).</summary>
    public IReadOnlyList<string>? Groups { get; init; }

    /// <summary>Whether its runs are durable (journaled; restarted from the journal after a fault or a kernel restart:
    /// see docs/reactor.md).</summary>
    public bool Durable { get; init; }

    /// <summary>For <c>tool_steps</c>: the tool calls, in order.</summary>
    public IReadOnlyList<AgentStepConfig>? Steps { get; init; }

    /// <summary>The agent this entry declares.</summary>
    public Agent Create() => new ToolStepsAgent([.. (Steps ?? []).Select(s => new ToolStep(s.Tool, s.Arguments ?? default))]);

    /// <summary>Checks the entry.</summary>
    /// <exception cref="ArgumentException">The message names the key and what is allowed.</exception>
    public void Validate()
    {
        if (string.IsNullOrEmpty(Name))
        {
            throw new ArgumentException("agents: an entry has no name.");
        }
        if (Kind != "tool_steps")
        {
            throw new ArgumentException($"agents: '{Name}' has kind '{Kind}'; the only kind is tool_steps.");
        }
        if (Steps is not { Count: > 0 } || Steps.Any(s => s is null || string.IsNullOrEmpty(s.Tool) || s.Arguments is { ValueKind: not JsonValueKind.Object }))
        {
            throw new ArgumentException($"agents: '{Name}' needs steps, each with a tool and (optionally) an arguments object.");
        }
    }
}
