using System.Text.Json;
using AgentOS.Computer.Documents;
using AgentOS.Serialization;
using AgentOS.Syscalls.Errors;
using AgentOS.Tools;

namespace AgentOS.Computer.Code;

/// <summary>
/// The <c>code.run</c> tool: stateful, notebook-like execution of Python 3 and Node in a session's sandbox. Each
/// (session, language) has one long-lived interpreter, so variables, imports and definitions survive between calls;
/// a call returns stdout, stderr, the value of the last expression, the error with its traceback, and the workspace
/// files it created, modified or deleted. Schemas: docs/computer-tools.md.
/// </summary>
public static partial class CodeTools
{
    /// <summary>The tool's name.</summary>
    public const string RunName = "code.run";

    /// <summary>Registers <c>code.run</c>.</summary>
    /// <param name="registry">Where to register it.</param>
    /// <param name="sessions">Finds the caller's session named by a call's <c>session_id</c>.</param>
    /// <param name="time">The clock timeouts and idle expiry run on.</param>
    /// <param name="options">Programs and limits; defaults when null.</param>
    /// <returns>The interpreters: call <see cref="CodeInterpreterPool.CloseSessionAsync"/> when a session is destroyed,
    /// and dispose it when the kernel stops.</returns>
    public static CodeInterpreterPool Register(ToolRegistry registry, SessionResolver sessions, TimeProvider? time = null, CodeToolOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(sessions);
        var limits = options ?? new CodeToolOptions();
        var pool = new CodeInterpreterPool(limits, time ?? TimeProvider.System);
        using var parameters = JsonDocument.Parse(RunSchema);
        using var output = JsonDocument.Parse(RunOutputSchema);
        registry.Register(new ToolDefinition
        {
            Name = RunName,
            Description = "Runs Python 3 or Node code in the session's sandbox, like a notebook cell: variables, imports and definitions persist between calls in the same session and language. " +
                "Returns stdout, stderr, the value of the last expression, the error with its traceback, and the workspace files the call created, modified or deleted. " +
                "A call that outlives timeout_ms kills the interpreter and starts a fresh one (its state is lost, and the result says so).",
            ParametersSchema = parameters.RootElement.Clone(),
            OutputSchema = output.RootElement.Clone(),
            Idempotent = false,
            MaxConcurrency = 16,
            Run = async (context, arguments, cancellationToken) =>
            {
                var language = CodeLanguage.Parse(ToolArguments.String(arguments, "language"));
                string code = ToolArguments.String(arguments, "code");
                long? ms = ToolArguments.Integer(arguments, "timeout_ms", 1);
                var timeout = ms is { } given ? TimeSpan.FromMilliseconds(given) : limits.DefaultTimeout;
                if (timeout > limits.MaxTimeout)
                {
                    throw new InvalidRequestException($"timeout_ms may be at most {limits.MaxTimeout.TotalMilliseconds:0}.");
                }
                var host = sessions(context, ToolArguments.String(arguments, "session_id"));
                var result = await pool.RunAsync(host, language, code, timeout, cancellationToken).ConfigureAwait(false);
                return new ToolOutput(Describe(result))
                {
                    Structured = JsonSerializer.SerializeToElement(result, AgentOSJsonContext.Default.CodeRunResult),
                };
            },
        });
        return pool;
    }
}
