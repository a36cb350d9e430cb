using System.Text.Json;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Sdk;

/// <summary>Action: tool calls (AIOS's ToolQuery), one or many at once, and the executor for a model's plan.</summary>
public sealed class ActionModule : AgentModule
{
    internal ActionModule(AgentContext context) : base(context)
    {
    }

    /// <summary>The tools this agent may call, as a model sees them (pass them to <see cref="PlanningModule.PlanAsync"/>):
    /// the same list in process and over <see cref="RemoteKernelPort"/>.</summary>
    /// <exception cref="NotSupportedException">The agent's port cannot list tools (a port of your own: implement
    /// <see cref="Syscalls.IToolCatalog"/>).</exception>
    public ValueTask<IReadOnlyList<ToolSpec>> ListToolsAsync(CancellationToken cancellationToken = default) =>
        Context.Port is Syscalls.IToolCatalog catalog
            ? catalog.ListToolsAsync(Context.AgentId, cancellationToken)
            : throw new NotSupportedException($"The port {Context.Port.GetType().Name} cannot list tools: use the kernel's port or a RemoteKernelPort, or implement IToolCatalog.");

    /// <summary>Calls one tool.</summary>
    public async ValueTask<ToolResult> CallAsync(ToolCall call, SyscallOptions options = default, CancellationToken cancellationToken = default) =>
        (await SubmitAsync(options, cancellationToken, tool: new ToolQuery { Call = call }).ConfigureAwait(false)).Tool!.Result;

    /// <summary>Calls one tool with arguments given as JSON text.</summary>
    public ValueTask<ToolResult> CallAsync(string name, string argumentsJson = "{}", SyscallOptions options = default, CancellationToken cancellationToken = default)
    {
        using var arguments = JsonDocument.Parse(argumentsJson);
        return CallAsync(new ToolCall(name, arguments.RootElement.Clone()), options, cancellationToken);
    }

    /// <summary>Calls several tools concurrently (one syscall each, so each tool's own limit applies) and returns
    /// their results in the order of <paramref name="calls"/>.</summary>
    public async Task<IReadOnlyList<ToolResult>> CallManyAsync(IEnumerable<ToolCall> calls, SyscallOptions options = default, CancellationToken cancellationToken = default)
    {
        var running = calls.Select(call => CallAsync(call, options, cancellationToken).AsTask()).ToList();
        return await Task.WhenAll(running).ConfigureAwait(false);
    }

    /// <summary>Runs the tool calls a model planned (<see cref="PlanningModule.PlanAsync"/>) and returns their results.</summary>
    public Task<IReadOnlyList<ToolResult>> ExecuteAsync(LlmResponse plan, SyscallOptions options = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return CallManyAsync(plan.ToolCalls, options, cancellationToken);
    }

    /// <summary>
    /// Runs the calls a model planned, concurrently, and answers each with a result the model can read, in the order of
    /// <paramref name="calls"/>: a call the kernel refuses (a tool the agent is not granted, an unknown tool, a denied
    /// approval, a spent budget) or whose arguments are not a JSON object is an error result saying why, and is never run.
    /// Only cancellation and a stopping kernel throw.
    /// </summary>
    public async Task<IReadOnlyList<ToolResult>> RunPlanAsync(IEnumerable<ToolCall> calls, SyscallOptions options = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(calls);
        var running = calls.Select(call => AnswerAsync(call, options, cancellationToken)).ToList();
        return await Task.WhenAll(running).ConfigureAwait(false);
    }

    private async Task<ToolResult> AnswerAsync(ToolCall call, SyscallOptions options, CancellationToken cancellationToken)
    {
        if (call.MalformedArguments is { } malformed)
        {
            return new ToolResult(call.Name, $"The arguments are not a JSON object: {malformed}. Call '{call.Name}' again with a JSON object that matches its parameters schema.", IsError: true) { Id = call.Id };
        }
        try
        {
            return await CallAsync(call, options, cancellationToken).ConfigureAwait(false);
        }
        catch (SyscallException ex) when (ex is not KernelStoppingException)
        {
            return new ToolResult(call.Name, $"The call was refused ({ex.Code}): {ex.Message}", IsError: true) { Id = call.Id };
        }
    }
}
