using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AgentOS.Computer.Sandbox;

namespace AgentOS.Computer.Terminal;

/// <summary>
/// One bash process per session, kept running, so the working folder, variables and functions persist between
/// commands. Each command is sent on the shell's stdin inside a quoted here-document (so no quoting in it can end
/// early) and <c>eval</c>ed with stdin from /dev/null (so it cannot eat the next command); then the shell prints an end
/// marker, carrying the exit status, on stdout and another on stderr. A command has ended when both markers have
/// arrived: no polling, no sleep.
/// </summary>
/// <remarks>
/// <para><b>Stopping a command</b> (timeout or interrupt) kills every process of the sandbox except the shell and the
/// sandbox's own init; the shell's wait then returns and it prints its markers. A command the shell runs itself (a
/// builtin loop such as <c>while :; do :; done</c>) cannot be stopped that way: after a grace period the whole shell
/// is killed, the command's result says so (<see cref="CommandResult.ShellRestarted"/>), and the session's next
/// command starts a new shell.</para>
/// <para>One command at a time: a second is refused until the first ends (the terminal tool says to wait or
/// interrupt).</para>
/// </remarks>
internal sealed class PersistentShell : IDisposable
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);
    private readonly ISandboxInstance _sandbox;
    private readonly TimeProvider _time;
    private readonly Process _process;
    private readonly Stream _stdin;
    private readonly string _nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Run? _current;
    private long _sequence;
    private int _shellSandboxPid = -1;
    private int _openStreams = 2;
    private int _disposed;

    private PersistentShell(ISandboxInstance sandbox, TimeProvider time, Process process)
    {
        _sandbox = sandbox;
        _time = time;
        _process = process;
        _stdin = process.StandardInput.BaseStream;
        _ = PumpAsync(process.StandardOutput.BaseStream, stdout: true);
        _ = PumpAsync(process.StandardError.BaseStream, stdout: false);
    }

    /// <summary>Whether the shell has ended (its output streams closed).</summary>
    public bool Exited => _exited.Task.IsCompleted;

    /// <summary>The shell's host pid as the outermost process (prlimit/setpriv/bwrap exec into one another).</summary>
    public int ProcessId => _process.Id;

    /// <summary>Whether a command is running.</summary>
    public bool Busy
    {
        get
        {
            lock (_gate)
            {
                return _current is not null;
            }
        }
    }

    /// <summary>Starts a shell in <paramref name="sandbox"/> and waits until it answers.</summary>
    public static async Task<PersistentShell> StartAsync(ISandboxInstance sandbox, TimeProvider time, CancellationToken cancellationToken = default)
    {
        var start = sandbox.CreateStartInfo(["/bin/bash", "--norc", "--noprofile"]);
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new SandboxUnavailableException("The session's shell did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new SandboxUnavailableException($"The session's shell could not start ({start.FileName}): {ex.Message}", ex);
        }
        var shell = new PersistentShell(sandbox, time, process);
        try
        {
            var hello = await shell.RunAsync("printf %d $$", TimeSpan.FromSeconds(30), 64, cancellationToken).ConfigureAwait(false);
            if (hello.ExitCode != 0 || !int.TryParse(hello.Stdout, NumberStyles.None, CultureInfo.InvariantCulture, out shell._shellSandboxPid))
            {
                throw new SandboxUnavailableException($"The session's shell did not start (exit {hello.ExitCode}): {hello.Stderr.Trim()}");
            }
        }
        catch
        {
            shell.Dispose();
            throw;
        }
        return shell;
    }

    /// <summary>Runs <paramref name="command"/>; stops it (and everything it started) after <paramref name="timeout"/>.</summary>
    /// <exception cref="InvalidOperationException">A command is already running in this shell.</exception>
    public async Task<CommandResult> RunAsync(string command, TimeSpan timeout, int maxOutputBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("The command contains a NUL character, which a shell cannot carry.", nameof(command));
        }
        var id = string.Create(CultureInfo.InvariantCulture, $"{_nonce}.{Interlocked.Increment(ref _sequence)}.");
        var run = new Run(id, maxOutputBytes);
        lock (_gate)
        {
            if (_current is not null)
            {
                throw new InvalidOperationException("A command is already running in this session: wait for it, or call terminal.interrupt.");
            }
            if (Exited)
            {
                throw new InvalidOperationException("The session's shell has ended.");
            }
            _current = run;
        }
        long started = _time.GetTimestamp();
        var script = $"IFS= read -r -d '' __aos_cmd <<'__AOS_END_{id}'\n{command}\n__AOS_END_{id}\neval \"$__aos_cmd\" </dev/null; printf '\\036AOS{id}:%d\\036' \"$?\"; printf '\\036AOS{id}\\036' >&2\n";
        try
        {
            _stdin.Write(Encoding.UTF8.GetBytes(script));
            _stdin.Flush();
        }
        catch (IOException)
        {
            // The shell is gone: the pump completes the run as ended.
        }
        bool cancelled = false;
        try
        {
            await run.Completed.Task.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            run.TimedOut = true;
            await StopAsync(run).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            cancelled = true;
            run.Interrupted = true;
            await StopAsync(run).ConfigureAwait(false);
        }
        var result = run.Result(_time.GetElapsedTime(started), Exited ? ExitCodeOfShell() : null);
        cancellationToken.ThrowIfCancellationRequested();
        return cancelled ? result with { Interrupted = true } : result;
    }

    /// <summary>Stops the running command, if any, and everything it started; the shell stays. Returns whether a
    /// command was running.</summary>
    public async Task<bool> InterruptAsync()
    {
        Run? run;
        lock (_gate)
        {
            run = _current;
        }
        if (run is null)
        {
            return false;
        }
        run.Interrupted = true;
        await StopAsync(run).ConfigureAwait(false);
        return true;
    }

    /// <summary>Kills the shell and everything in its sandbox.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        KillShell();
        _process.Dispose();
    }

    private async Task StopAsync(Run run)
    {
        if (!run.Completed.Task.IsCompleted)
        {
            int keep = _sandbox.HostPidOf(_process.Id, _shellSandboxPid);
            if (keep > 0)
            {
                _sandbox.KillAllExcept(_process.Id, keep);
            }
        }
        try
        {
            await run.Completed.Task.WaitAsync(Grace, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The shell itself is busy (a builtin loop) or its output was redirected away: end it.
            KillShell();
            await run.Completed.Task.ConfigureAwait(false);
        }
    }

    private void KillShell()
    {
        try
        {
            // For bubblewrap this is the outer bwrap: its init dies with it (--die-with-parent) and the pid namespace
            // with every process in it.
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    private int? ExitCodeOfShell()
    {
        try
        {
            return _process.WaitForExit(1000) ? _process.ExitCode : null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private async Task PumpAsync(Stream stream, bool stdout)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                int read = await stream.ReadAsync(buffer).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                lock (_gate)
                {
                    if (_current is { } run && run.Append(stdout, buffer.AsSpan(0, read)))
                    {
                        _current = null;
                        run.Completed.TrySetResult();
                    }
                }
            }
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        lock (_gate)
        {
            // The shell has ended only when both streams have: the other may still carry output (a command that
            // closed its stdout, then wrote to stderr, then exited), and the result is made from both.
            if (--_openStreams > 0)
            {
                return;
            }
            if (_current is { } run)
            {
                run.ShellEnded = true;
                _current = null;
                run.Completed.TrySetResult();
            }
            _exited.TrySetResult();
        }
    }

    private sealed class Run(string id, int cap)
    {
        private readonly OutputCollector _stdout = new(Encoding.ASCII.GetBytes($"\u001eAOS{id}:"), cap, markerHasStatus: true);
        private readonly OutputCollector _stderr = new(Encoding.ASCII.GetBytes($"\u001eAOS{id}"), cap, markerHasStatus: false);

        public TaskCompletionSource Completed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool TimedOut { get; set; }

        public bool Interrupted { get; set; }

        public bool ShellEnded { get; set; }

        public bool Append(bool stdout, ReadOnlySpan<byte> chunk)
        {
            (stdout ? _stdout : _stderr).Append(chunk);
            return _stdout.Done && _stderr.Done;
        }

        public CommandResult Result(TimeSpan duration, int? shellExitCode)
        {
            bool ended = ShellEnded || !_stdout.Done;
            if (!_stdout.Done)
            {
                _stdout.Flush();
            }
            if (!_stderr.Done)
            {
                _stderr.Flush();
            }
            int exit = _stdout.Done ? _stdout.Status : shellExitCode ?? 137;
            return new CommandResult(_stdout.Text(), _stderr.Text(), exit, _stdout.TotalBytes, _stderr.TotalBytes, duration)
            {
                TimedOut = TimedOut,
                Interrupted = Interrupted,
                ShellRestarted = ended,
                StdoutTruncated = _stdout.Truncated,
                StderrTruncated = _stderr.Truncated,
            };
        }
    }
}
