using AgentOS.Scheduling;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Tools;

/// <summary>
/// Runs tool syscalls. Each tool's own concurrency limit is enforced by the tool queue (per-tool groups), never by a
/// global lock. A tool that throws gives an error result (the model can read it), not a failed syscall — except a
/// transient typed error (<see cref="RateLimitedException"/>, <see cref="BackendFailedException"/>:
/// its own upstream failed), which fails the syscall with that error so the Reactor can retry an idempotent tool.
/// </summary>
internal sealed class ToolManager(ToolRegistry registry) : SyscallExecutor
{
    public ToolRegistry Registry => registry;

    protected override async ValueTask ExecuteAsync(ExecutionSlot<Syscall> slot)
    {
        var syscall = slot.Item;
        var call = syscall.Request.Tool!.Call;
        var tool = registry.Get(call.Name);
        ToolResult result;
        try
        {
            var context = new ToolCallContext(syscall.Request.AgentId, syscall.Id, call.Id, syscall.Request.ActedBy) { IdempotencyKey = syscall.Request.Tool.IdempotencyKey };
            var running = tool.InvokeAsync(context, call.Arguments, syscall.RunToken);
            var output = running.IsCompletedSuccessfully ? running.Result : await running.ConfigureAwait(false);
            result = new ToolResult(call.Name, output.Text, output.IsError) { Id = call.Id, Content = output.Content, Structured = output.Structured };
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or RateLimitedException or BackendFailedException))
        {
            result = new ToolResult(call.Name, $"{ex.GetType().Name}: {ex.Message}", IsError: true) { Id = call.Id };
        }
        syscall.Record(new SyscallResponse { SyscallId = syscall.Id, Tool = new ToolResponse { Result = result } });
    }
}
