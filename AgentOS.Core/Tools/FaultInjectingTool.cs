using AgentOS.Syscalls.Faults;

namespace AgentOS.Tools;

/// <summary>Wraps a tool for a fault drill: each call draws a fault (429, 500, timeout, a result cut off, a slow
/// start) or runs the tool untouched. Failures are typed (rate limited, backend failed), so they fail the syscall and
/// the Reactor retries the tool if, and only if, it is declared idempotent.</summary>
public static class FaultInjectingTool
{
    /// <summary>A copy of <paramref name="tool"/> (same name, schema and flags) that injects <paramref name="faults"/>.</summary>
    public static ToolDefinition Wrap(ToolDefinition tool, FaultInjector faults)
    {
        ArgumentNullException.ThrowIfNull(tool);
        ArgumentNullException.ThrowIfNull(faults);
        string what = $"tool '{tool.Name}'";
        return new ToolDefinition
        {
            Name = tool.Name,
            Description = tool.Description,
            ParametersSchema = tool.ParametersSchema,
            OutputSchema = tool.OutputSchema,
            Irreversible = tool.Irreversible,
            Idempotent = tool.Idempotent,
            MaxConcurrency = tool.MaxConcurrency,
            Run = async (context, arguments, cancellationToken) =>
            {
                var kind = faults.Next();
                await faults.BeforeAnswerAsync(kind, what, cancellationToken).ConfigureAwait(false);
                var output = await tool.InvokeAsync(context, arguments, cancellationToken).ConfigureAwait(false);
                // The tool ran (its effects happened), but its result was lost on the way back.
                return kind == FaultKind.CutStream ? throw FaultInjector.StreamCut(what) : output;
            },
        };
    }
}
