using AgentOS.Computer.Terminal;
using AgentOS.Syscalls.Errors;

namespace AgentOS.Computer.Sessions;

public sealed partial class SessionManager
{
    /// <summary>Runs <paramref name="command"/> in the session's persistent shell (working folder and environment
    /// persist), stopping it and everything it started after <paramref name="timeout"/>.</summary>
    /// <exception cref="InvalidRequestException">No such session of the caller's, a timeout out of range, or a command
    /// already running in the session.</exception>
    public async Task<CommandResult> RunAsync(string agentId, string sessionId, string command, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var session = Get(agentId, sessionId);
        var limit = timeout ?? _options.CommandTimeout;
        if (limit <= TimeSpan.Zero || limit > _options.MaxCommandTimeout)
        {
            throw new InvalidRequestException($"timeout_ms {limit.TotalMilliseconds} is out of range: give 1 to {_options.MaxCommandTimeout.TotalMilliseconds} ms (computer.max_command_timeout).");
        }
        var shell = await session.ShellAsync(cancellationToken).ConfigureAwait(false);
        session.CountCommand();
        Publish(new SessionEvent(session.Id, agentId, SessionStage.CommandStarted, _time.GetUtcNow(), Abbreviate(command)));
        CommandResult result;
        try
        {
            result = await shell.RunAsync(command, limit, _options.MaxOutputBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidRequestException(ex.Message, ex);
        }
        finally
        {
            session.Touch();
        }
        session.Transcript.Append($"$ {command}\n{result.Stdout}{result.Stderr}");
        var now = _time.GetUtcNow();
        Publish(new SessionEvent(session.Id, agentId, SessionStage.CommandFinished, now, Abbreviate(command), result.ExitCode,
            result.StdoutBytes + result.StderrBytes, result.Duration.TotalMilliseconds));
        foreach (var hit in LimitsHit(session, result))
        {
            Publish(new SessionEvent(session.Id, agentId, SessionStage.LimitHit, now, hit));
        }
        return result;
    }

    /// <summary>Stops the command running in the caller's session (and everything it started) and its interactive
    /// program, if any; the session, its shell, working folder and environment stay. Returns whether anything ran.</summary>
    /// <exception cref="InvalidRequestException">No such session of the caller's.</exception>
    public async Task<bool> InterruptAsync(string agentId, string sessionId)
    {
        var session = Get(agentId, sessionId);
        bool interactive = session.KillInteractive();
        return (session.CurrentShell is { } shell && await shell.InterruptAsync().ConfigureAwait(false)) | interactive;
    }

    private static IEnumerable<string> LimitsHit(ComputerSession session, CommandResult result)
    {
        if (result.TimedOut)
        {
            yield return $"timeout after {result.Duration.TotalMilliseconds:F0} ms";
        }
        if (result.StdoutTruncated || result.StderrTruncated)
        {
            yield return "output cap (max_output_bytes)";
        }
        // 128 + SIGXCPU (24) / SIGXFSZ (25): the kernel stopped a process at its rlimit.
        if (result.ExitCode == 152)
        {
            yield return "cpu_seconds";
        }
        if (result.ExitCode == 153)
        {
            yield return "file_size_bytes";
        }
        long used;
        try
        {
            used = session.Instance.DiskBytesUsed();
        }
        catch (IOException)
        {
            yield break;
        }
        if (session.Isolated && used >= session.Limits.DiskBytes - 64 * 1024)
        {
            yield return $"disk_bytes ({used} of {session.Limits.DiskBytes} used)";
        }
    }

    private static string Abbreviate(string command) => command.Length <= 200 ? command : string.Concat(command.AsSpan(0, 200), "…");
}
