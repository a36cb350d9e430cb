using System.Globalization;
using System.Text;
using System.Text.Json;
using AgentOS.Computer.Sandbox;
using AgentOS.Computer.Terminal;
using AgentOS.Syscalls.Errors;
using AgentOS.Tools;

namespace AgentOS.Computer.Sessions;

public sealed partial class SessionManager
{
    private static readonly TimeSpan DefaultExchangeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Starts <paramref name="command"/> on a pseudo-terminal in the caller's session (one such program per
    /// session at a time) and returns what it printed until <paramref name="waitFor"/> appeared, it ended, or
    /// <paramref name="timeout"/> passed.</summary>
    /// <exception cref="InvalidRequestException">No such session of the caller's, an interactive program still running
    /// in it, or a timeout out of range.</exception>
    /// <exception cref="SandboxUnavailableException">Not on Linux, or no pseudo-terminal could be opened.</exception>
    public async Task<InteractiveResult> StartInteractiveAsync(string agentId, string sessionId, string command, string? waitFor = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!OperatingSystem.IsLinux())
        {
            throw new SandboxUnavailableException("The terminal's interactive mode needs Linux pseudo-terminals: use terminal.run on this platform.");
        }
        var session = Get(agentId, sessionId);
        var limit = ExchangeTimeout(timeout);
        var program = session.StartInteractive(() => OperatingSystem.IsLinux() // the analyzer does not carry the guard above into a lambda
                ? InteractiveProgram.Start(session.Instance, command, _options.MaxOutputBytes, _time)
                : throw new PlatformNotSupportedException())
            ?? throw new InvalidRequestException($"An interactive program is still running in session '{sessionId}': answer it with terminal.send, or stop it with terminal.interrupt.");
        session.CountCommand();
        Publish(new SessionEvent(session.Id, agentId, SessionStage.CommandStarted, _time.GetUtcNow(), "interactive: " + Abbreviate(command)));
        return await ExchangeAsync(session, program, null, waitFor, limit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Types <paramref name="input"/> into the interactive program of the caller's session (<c>\n</c> is Enter,
    /// <c>\u0003</c> Ctrl-C) and returns what it printed since the previous exchange, until <paramref name="waitFor"/>
    /// appeared, it ended, or <paramref name="timeout"/> passed.</summary>
    /// <exception cref="InvalidRequestException">No such session of the caller's, or no interactive program in it.</exception>
    public async Task<InteractiveResult> SendInteractiveAsync(string agentId, string sessionId, string input, string? waitFor = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!OperatingSystem.IsLinux())
        {
            throw new SandboxUnavailableException("The terminal's interactive mode needs Linux pseudo-terminals: use terminal.run on this platform.");
        }
        var session = Get(agentId, sessionId);
        var limit = ExchangeTimeout(timeout);
        var program = session.Interactive
            ?? throw new InvalidRequestException($"No interactive program runs in session '{sessionId}': start one with terminal.start.");
        return await ExchangeAsync(session, program, input, waitFor, limit, cancellationToken).ConfigureAwait(false);
    }

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private async Task<InteractiveResult> ExchangeAsync(ComputerSession session, InteractiveProgram program, string? input, string? waitFor, TimeSpan timeout, CancellationToken cancellationToken)
    {
        InteractiveResult result;
        try
        {
            result = await program.ExchangeAsync(input, waitFor, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidRequestException(ex.Message, ex);
        }
        finally
        {
            session.Touch();
        }
        session.Transcript.Append(result.Output);
        if (!result.Running && session.EndInteractive(program))
        {
            var now = _time.GetUtcNow();
            Publish(new SessionEvent(session.Id, session.OwnerAgentId, SessionStage.CommandFinished, now, "interactive: " + Abbreviate(program.Command),
                result.ExitCode ?? -1, program.TotalChars, _time.GetElapsedTime(program.Started).TotalMilliseconds));
        }
        if (result.DroppedChars > 0)
        {
            Publish(new SessionEvent(session.Id, session.OwnerAgentId, SessionStage.LimitHit, _time.GetUtcNow(), "output cap (max_output_bytes)"));
        }
        return result;
    }

    private TimeSpan ExchangeTimeout(TimeSpan? timeout)
    {
        var limit = timeout ?? DefaultExchangeTimeout;
        if (limit < TimeSpan.Zero || limit > _options.MaxCommandTimeout)
        {
            throw new InvalidRequestException($"timeout_ms {limit.TotalMilliseconds} is out of range: give 0 to {_options.MaxCommandTimeout.TotalMilliseconds} ms (computer.max_command_timeout).");
        }
        return limit;
    }

    private const string ExchangeOutputSchema = """{"type":"object","properties":{"output":{"type":"string"},"running":{"type":"boolean"},"exit_code":{"type":["integer","null"]},"matched":{"type":"boolean"},"dropped_chars":{"type":"integer"},"duration_ms":{"type":"number"}},"required":["output","running","matched"]}""";

    private void RegisterInteractiveTools(ToolRegistry registry)
    {
        registry.Register(new ToolDefinition
        {
            Name = "terminal.start",
            Description = "Starts a program that prompts (read -p, passwords, y/n questions, a REPL) on a pseudo-terminal in your session, in the workspace. Returns what it printed until wait_for appeared, it ended, or timeout_ms (default 5000) passed; answer it with terminal.send. One such program per session at a time.",
            ParametersSchema = Schema("""{"type":"object","properties":{"session_id":{"type":"string"},"command":{"type":"string","description":"bash command line"},"wait_for":{"type":"string","description":"Return as soon as the output contains this text (a prompt)."},"timeout_ms":{"type":"integer","minimum":0}},"required":["session_id","command"]}"""),
            OutputSchema = Schema(ExchangeOutputSchema),
            MaxConcurrency = 64,
            Run = async (caller, args, ct) =>
            {
                var result = await StartInteractiveAsync(caller.AgentId, RequiredString(args, "session_id"), RequiredString(args, "command"),
                    OptionalString(args, "wait_for"), OptionalMilliseconds(args), ct).ConfigureAwait(false);
                return new ToolOutput(Describe(result)) { Structured = Structured(result) };
            },
        });
        registry.Register(new ToolDefinition
        {
            Name = "terminal.send",
            Description = "Types input into your session's interactive program (\\n is Enter, \\u0003 is Ctrl-C) and returns what it printed since the last call, until wait_for appeared, it ended, or timeout_ms (default 5000) passed. Empty input just reads.",
            ParametersSchema = Schema("""{"type":"object","properties":{"session_id":{"type":"string"},"input":{"type":"string"},"wait_for":{"type":"string"},"timeout_ms":{"type":"integer","minimum":0}},"required":["session_id","input"]}"""),
            OutputSchema = Schema(ExchangeOutputSchema),
            MaxConcurrency = 64,
            Run = async (caller, args, ct) =>
            {
                var result = await SendInteractiveAsync(caller.AgentId, RequiredString(args, "session_id"), RequiredString(args, "input"),
                    OptionalString(args, "wait_for"), OptionalMilliseconds(args), ct).ConfigureAwait(false);
                return new ToolOutput(Describe(result)) { Structured = Structured(result) };
            },
        });
    }

    private static TimeSpan? OptionalMilliseconds(JsonElement args) => OptionalInteger(args, "timeout_ms") is long ms ? TimeSpan.FromMilliseconds(ms) : null;

    internal static string Describe(InteractiveResult r)
    {
        var text = new StringBuilder();
        text.Append(r.Running
            ? (r.Matched ? "running; the awaited text appeared" : "running; waiting for input or output")
            : string.Create(CultureInfo.InvariantCulture, $"ended, exit {(r.ExitCode is int code ? code.ToString(CultureInfo.InvariantCulture) : "unknown")}"));
        text.Append(CultureInfo.InvariantCulture, $" ({r.Duration.TotalMilliseconds:F0} ms)");
        if (r.Output.Length > 0)
        {
            text.Append("\n--- output ---\n").Append(r.Output);
        }
        if (r.DroppedChars > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n[output truncated: {r.DroppedChars} characters past the cap were dropped]");
        }
        return text.ToString();
    }

    private static JsonElement Structured(InteractiveResult r) => Json(w =>
    {
        w.WriteString("output", r.Output);
        w.WriteBoolean("running", r.Running);
        if (r.ExitCode is int code)
        {
            w.WriteNumber("exit_code", code);
        }
        else
        {
            w.WriteNull("exit_code");
        }
        w.WriteBoolean("matched", r.Matched);
        w.WriteNumber("dropped_chars", r.DroppedChars);
        w.WriteNumber("duration_ms", Math.Round(r.Duration.TotalMilliseconds, 3));
    });
}
