using System.Text.Json;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Tools;

/// <summary>A registered tool: what a model sees (name, description, argument schema) and how the kernel runs it.</summary>
public sealed class ToolDefinition
{
    /// <summary>The tool's name (letters, digits, <c>_</c>, <c>-</c>, <c>.</c>; at most 64 characters).</summary>
    public required string Name { get; init; }

    /// <summary>What the tool does, for the model.</summary>
    public required string Description { get; init; }

    /// <summary>The JSON schema of the arguments object.</summary>
    public required JsonElement ParametersSchema { get; init; }

    /// <summary>The JSON schema of <see cref="ToolResult.Structured"/>, when the tool returns a structured value.</summary>
    public JsonElement? OutputSchema { get; init; }

    /// <summary>A simple implementation (arguments in, text out). Set this or <see cref="Run"/>, not both.</summary>
    public ToolHandler? Handler { get; init; }

    /// <summary>An implementation that knows its caller and may return images, files and structured output. Set this
    /// or <see cref="Handler"/>, not both.</summary>
    public ToolCallHandler? Run { get; init; }

    /// <summary>Whether a call cannot be undone (sending mail, deleting data): such calls need human approval.</summary>
    public bool Irreversible { get; init; }

    /// <summary>Whether calling twice with the same arguments has the effect of calling once, so a failed call may be
    /// retried automatically.</summary>
    public bool Idempotent { get; init; }

    /// <summary>Whether the tool honours <see cref="ToolCallContext.IdempotencyKey"/>: a call repeated with the same key
    /// has the effect of one call (it answers the first call's result), so a durable run may re-execute a call that was
    /// cut mid-way even when the tool is not <see cref="Idempotent"/>.</summary>
    public bool HonoursIdempotencyKey { get; init; }

    /// <summary>How many calls of this tool may run at once (of its <see cref="ConcurrencyGroup"/>, when it has one). Default 4.</summary>
    public int MaxConcurrency { get; init; } = 4;

    /// <summary>The tool queue's concurrency group: tools sharing one (an MCP server's tools) share its
    /// <see cref="MaxConcurrency"/> limit, set by the group's first tool. Default: the tool is its own group.</summary>
    public string? ConcurrencyGroup { get; init; }

    /// <summary>The tool as a model sees it.</summary>
    public ToolSpec Spec => new(Name, Description, ParametersSchema);

    /// <summary>Runs the tool through whichever implementation it has.</summary>
    internal async ValueTask<ToolOutput> InvokeAsync(ToolCallContext context, JsonElement arguments, CancellationToken cancellationToken)
    {
        if (Run is { } run)
        {
            return await run(context, arguments, cancellationToken).ConfigureAwait(false);
        }
        return new ToolOutput(await Handler!(arguments, cancellationToken).ConfigureAwait(false));
    }
}
