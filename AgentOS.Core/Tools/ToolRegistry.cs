using System.Collections.Concurrent;
using System.Text.Json;
using AgentOS.Syscalls.Errors;

namespace AgentOS.Tools;

/// <summary>The kernel's tools by name. Thread-safe; tools may be added while the kernel runs.</summary>
public sealed class ToolRegistry
{
    private readonly ConcurrentDictionary<string, ToolDefinition> _tools = new(StringComparer.Ordinal);
    // A tool's concurrency group outlives the tool: a call queued before Unregister still releases the group it took.
    private readonly ConcurrentDictionary<string, string> _groupOf = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _groupLimits = new(StringComparer.Ordinal);

    /// <summary>Every registered tool.</summary>
    public IReadOnlyCollection<ToolDefinition> All => [.. _tools.Values.OrderBy(t => t.Name, StringComparer.Ordinal)];

    /// <summary>Registers a tool.</summary>
    /// <exception cref="ArgumentException">The name is invalid or taken, or the schema is not a JSON object.</exception>
    public void Register(ToolDefinition tool)
    {
        ArgumentNullException.ThrowIfNull(tool);
        if (tool.Name.Length is 0 or > 64 || !tool.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
        {
            throw new ArgumentException($"Tool name '{tool.Name}' is invalid: use 1-64 letters, digits, '_', '-' or '.'.", nameof(tool));
        }
        if (tool.ParametersSchema.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"Tool '{tool.Name}': the parameters schema must be a JSON object.", nameof(tool));
        }
        if (tool.OutputSchema is { ValueKind: not JsonValueKind.Object })
        {
            throw new ArgumentException($"Tool '{tool.Name}': the output schema must be a JSON object.", nameof(tool));
        }
        if ((tool.Handler is null) == (tool.Run is null))
        {
            throw new ArgumentException($"Tool '{tool.Name}': set exactly one of Handler and Run.", nameof(tool));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(tool.MaxConcurrency, 1, nameof(tool));
        if (tool.ConcurrencyGroup is { Length: 0 })
        {
            throw new ArgumentException($"Tool '{tool.Name}': the concurrency group is empty; leave it null for a group of its own.", nameof(tool));
        }
        if (!_tools.TryAdd(tool.Name, tool))
        {
            throw new ArgumentException($"A tool named '{tool.Name}' is already registered.", nameof(tool));
        }
        string group = tool.ConcurrencyGroup ?? tool.Name;
        _groupOf[tool.Name] = group;
        _groupLimits.TryAdd(group, tool.MaxConcurrency);
    }

    /// <summary>The tool queue's concurrency group of a tool (its own name unless it shares one).</summary>
    public string GroupOf(string toolName) => _groupOf.GetValueOrDefault(toolName) ?? toolName;

    /// <summary>How many calls of a concurrency group may run at once (1 for a group never registered).</summary>
    public int LimitOf(string group) => _groupLimits.GetValueOrDefault(group, 1);

    /// <summary>Registers a tool from its parts.</summary>
    public void Register(string name, string description, string parametersSchemaJson, ToolHandler handler, bool irreversible = false, int maxConcurrency = 4)
    {
        using var schema = JsonDocument.Parse(parametersSchemaJson);
        Register(new ToolDefinition
        {
            Name = name,
            Description = description,
            ParametersSchema = schema.RootElement.Clone(),
            Handler = handler,
            Irreversible = irreversible,
            MaxConcurrency = maxConcurrency,
        });
    }

    /// <summary>Removes a tool (an MCP server's tool that disappeared); calls already queued for it fail as unknown.</summary>
    /// <returns>Whether a tool had that name.</returns>
    public bool Unregister(string name) => _tools.TryRemove(name, out _);

    /// <summary>The tool, or <see langword="null"/>.</summary>
    public ToolDefinition? Find(string name) => _tools.GetValueOrDefault(name);

    /// <summary>The tool.</summary>
    /// <exception cref="InvalidRequestException">No tool has that name.</exception>
    public ToolDefinition Get(string name) =>
        Find(name) ?? throw new InvalidRequestException($"No tool is named '{name}'. Registered: {string.Join(", ", _tools.Keys.Order(StringComparer.Ordinal))}.");
}
