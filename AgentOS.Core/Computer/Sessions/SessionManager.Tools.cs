using System.Globalization;
using System.Text;
using System.Text.Json;
using AgentOS.Computer.Terminal;
using AgentOS.Serialization;
using AgentOS.Syscalls.Errors;
using AgentOS.Tools;

namespace AgentOS.Computer.Sessions;

public sealed partial class SessionManager
{
    /// <summary>The session and terminal tools this manager serves, by name.</summary>
    public static readonly IReadOnlyList<string> ToolNames = ["session.create", "session.destroy", "session.list", "session.snapshot", "session.restore", "terminal.run", "terminal.interrupt", "terminal.start", "terminal.send"];

    private const string SessionIdSchema = """{"type":"object","properties":{"session_id":{"type":"string","description":"The id session.create returned."}},"required":["session_id"]}""";

    /// <summary>Registers the session and terminal tools (see <see cref="ToolNames"/>) in <paramref name="registry"/>.
    /// Each acts for the calling agent (<see cref="ToolCallContext.AgentId"/>) on that agent's sessions only.</summary>
    public void RegisterTools(ToolRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register(new ToolDefinition
        {
            Name = "session.create",
            Description = "Creates an isolated computer for you: a workspace folder (the only writable place, size-capped), no network, and a persistent shell. Returns its session_id; destroy it when done (idle sessions expire).",
            ParametersSchema = Schema("""{"type":"object","properties":{"disk_bytes":{"type":"integer","minimum":4096,"description":"A smaller workspace than your grant allows (optional)."}}}"""),
            OutputSchema = Schema("""{"type":"object","properties":{"session_id":{"type":"string"},"workspace":{"type":"string"},"sandbox":{"type":"string"},"isolated":{"type":"boolean"},"disk_bytes":{"type":"integer"}},"required":["session_id","workspace","sandbox","isolated","disk_bytes"]}"""),
            MaxConcurrency = 16,
            Run = async (caller, args, ct) =>
            {
                long? disk = OptionalInteger(args, "disk_bytes");
                var session = await CreateAsync(caller.AgentId, disk, ct).ConfigureAwait(false);
                var structured = Json(w =>
                {
                    w.WriteString("session_id", session.Id);
                    w.WriteString("workspace", session.WorkspaceSandboxPath);
                    w.WriteString("sandbox", Sandbox.Name);
                    w.WriteBoolean("isolated", session.Isolated);
                    w.WriteNumber("disk_bytes", session.Limits.DiskBytes);
                });
                var text = $"Session {session.Id} is ready: workspace {session.WorkspaceSandboxPath} ({session.Limits.DiskBytes} bytes), sandbox {Sandbox.Name}{(session.Isolated ? "" : " — NOT ISOLATED")}.";
                return new ToolOutput(text) { Structured = structured };
            },
        });
        registry.Register(new ToolDefinition
        {
            Name = "session.destroy",
            Description = "Destroys one of your sessions: kills its processes and deletes its workspace (snapshots in storage stay).",
            ParametersSchema = Schema(SessionIdSchema),
            MaxConcurrency = 16,
            Run = (caller, args, _) =>
            {
                var id = RequiredString(args, "session_id");
                Destroy(caller.AgentId, id);
                return ValueTask.FromResult(new ToolOutput($"Session {id} destroyed."));
            },
        });
        registry.Register(new ToolDefinition
        {
            Name = "session.list",
            Description = "Lists your live sessions: id, sandbox, idle seconds, commands run, whether busy, disk used and cap.",
            ParametersSchema = Schema("""{"type":"object","properties":{}}"""),
            Idempotent = true,
            MaxConcurrency = 16,
            Run = (caller, _, _) =>
            {
                var sessions = List(caller.AgentId);
                var json = JsonSerializer.SerializeToElement(sessions, AgentOSJsonContext.Default.IReadOnlyListSessionStatus);
                var text = sessions.Count == 0 ? "You have no sessions." : string.Join('\n', sessions.Select(s =>
                    string.Create(CultureInfo.InvariantCulture, $"{s.Id}: {s.Sandbox}, idle {s.IdleSeconds:F0} s, {s.Commands} commands{(s.Busy ? ", busy" : "")}, disk {s.DiskBytes}/{s.DiskLimitBytes} bytes")));
                return ValueTask.FromResult(new ToolOutput(text) { Structured = Json(w => { w.WritePropertyName("sessions"); json.WriteTo(w); }) });
            },
        });
        RegisterSnapshotTools(registry);
        registry.Register(new ToolDefinition
        {
            Name = "terminal.run",
            Description = "Runs a bash command in your session's persistent shell (the working folder, variables and functions persist between calls; stdin is empty). Returns stdout, stderr and the exit code. A command still running at timeout_ms is killed with everything it started; output beyond the cap is cut and the result says so.",
            ParametersSchema = Schema("""{"type":"object","properties":{"session_id":{"type":"string"},"command":{"type":"string","description":"bash command line(s)"},"timeout_ms":{"type":"integer","minimum":1,"description":"Default 30000."}},"required":["session_id","command"]}"""),
            OutputSchema = Schema("""{"type":"object","properties":{"stdout":{"type":"string"},"stderr":{"type":"string"},"exit_code":{"type":"integer"},"timed_out":{"type":"boolean"},"interrupted":{"type":"boolean"},"shell_restarted":{"type":"boolean"},"stdout_bytes":{"type":"integer"},"stderr_bytes":{"type":"integer"},"stdout_truncated":{"type":"boolean"},"stderr_truncated":{"type":"boolean"},"duration_ms":{"type":"number"}},"required":["stdout","stderr","exit_code"]}"""),
            MaxConcurrency = 256,
            Run = async (caller, args, ct) =>
            {
                var id = RequiredString(args, "session_id");
                var command = RequiredString(args, "command");
                long? ms = OptionalInteger(args, "timeout_ms");
                var result = await RunAsync(caller.AgentId, id, command, ms is long t ? TimeSpan.FromMilliseconds(t) : null, ct).ConfigureAwait(false);
                return new ToolOutput(Describe(result)) { Structured = Structured(result) };
            },
        });
        registry.Register(new ToolDefinition
        {
            Name = "terminal.interrupt",
            Description = "Stops the command running in your session, and every process it started, and its interactive program (terminal.start); the session, its shell, working folder and variables stay.",
            ParametersSchema = Schema(SessionIdSchema),
            MaxConcurrency = 16,
            Run = async (caller, args, _) =>
            {
                var id = RequiredString(args, "session_id");
                bool stopped = await InterruptAsync(caller.AgentId, id).ConfigureAwait(false);
                return new ToolOutput(stopped ? $"Interrupted the command running in {id}." : $"No command was running in {id}.");
            },
        });
        RegisterInteractiveTools(registry);
    }

    /// <summary>A command's result as the text a model reads.</summary>
    internal static string Describe(CommandResult result)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"exit {result.ExitCode} ({result.Duration.TotalMilliseconds:F0} ms)");
        if (result.TimedOut)
        {
            text.Append("; timed out: the command and everything it started were killed");
        }
        if (result.Interrupted)
        {
            text.Append("; interrupted: the command and everything it started were killed");
        }
        if (result.ShellRestarted)
        {
            text.Append("; the shell ended: the next command starts a new shell in the workspace (working folder and variables reset)");
        }
        Section(text, "stdout", result.Stdout, result.StdoutBytes, result.StdoutTruncated);
        Section(text, "stderr", result.Stderr, result.StderrBytes, result.StderrTruncated);
        return text.ToString();
    }

    private static void Section(StringBuilder text, string name, string body, long bytes, bool truncated)
    {
        if (bytes == 0)
        {
            return;
        }
        text.Append('\n').Append("--- ").Append(name).Append(" ---\n").Append(body);
        if (truncated)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n[{name} truncated: showed the first {Encoding.UTF8.GetByteCount(body)} of {bytes} bytes]");
        }
    }

    private static JsonElement Structured(CommandResult r) => Json(w =>
    {
        w.WriteString("stdout", r.Stdout);
        w.WriteString("stderr", r.Stderr);
        w.WriteNumber("exit_code", r.ExitCode);
        w.WriteBoolean("timed_out", r.TimedOut);
        w.WriteBoolean("interrupted", r.Interrupted);
        w.WriteBoolean("shell_restarted", r.ShellRestarted);
        w.WriteNumber("stdout_bytes", r.StdoutBytes);
        w.WriteNumber("stderr_bytes", r.StderrBytes);
        w.WriteBoolean("stdout_truncated", r.StdoutTruncated);
        w.WriteBoolean("stderr_truncated", r.StderrTruncated);
        w.WriteNumber("duration_ms", Math.Round(r.Duration.TotalMilliseconds, 3));
    });

    internal static JsonElement Json(Action<Utf8JsonWriter> body)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static JsonElement Schema(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    internal static string RequiredString(JsonElement args, string name) =>
        args.ValueKind == JsonValueKind.Object && args.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new InvalidRequestException($"Argument '{name}' is required and must be a string.");

    internal static long? OptionalInteger(JsonElement args, string name)
    {
        if (args.ValueKind != JsonValueKind.Object || !args.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number)
            ? number
            : throw new InvalidRequestException($"Argument '{name}' must be an integer.");
    }
}
