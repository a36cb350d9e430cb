using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text;
using AgentOS.Computer.Sandbox;

namespace AgentOS.Computer.Terminal;

/// <summary>
/// One program running in a session on a pseudo-terminal, for programs that prompt (<c>read -p</c>, passwords,
/// REPLs, installers asking y/n): the agent writes what a person would type and reads what a person would see, in
/// exchanges that end when an awaited text appears, the program ends, or a timeout passes (expect-style, so a caller
/// never has to guess how long a prompt takes).
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class InteractiveProgram : IDisposable
{
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(5);
    private readonly PseudoTerminal _terminal;
    private readonly Process _process;
    private readonly TimeProvider _time;
    private readonly StringBuilder _setup = new();
    private readonly SemaphoreSlim _exchange = new(1, 1);
    private long _totalChars;
    private int _disposed;

    private InteractiveProgram(string command, PseudoTerminal terminal, Process process, TimeProvider time)
    {
        Command = command;
        _terminal = terminal;
        _process = process;
        _time = time;
        Started = time.GetTimestamp();
        process.StandardInput.Close();
        _ = CollectAsync(process.StandardOutput);
        _ = CollectAsync(process.StandardError);
    }

    /// <summary>The command line it runs.</summary>
    public string Command { get; }

    /// <summary>When it started (a <see cref="TimeProvider"/> timestamp).</summary>
    public long Started { get; }

    /// <summary>Characters of output it has produced in all.</summary>
    public long TotalChars => Interlocked.Read(ref _totalChars);

    /// <summary>Whether it still runs.</summary>
    public bool Running => !_terminal.Closed;

    /// <summary>Starts <paramref name="command"/> (bash) in <paramref name="sandbox"/>'s workspace on a new pseudo-terminal.</summary>
    /// <exception cref="SandboxUnavailableException">No pseudo-terminal, or the sandbox could not start.</exception>
    public static InteractiveProgram Start(ISandboxInstance sandbox, string command, int maxOutputChars, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        ArgumentNullException.ThrowIfNull(command);
        var terminal = PseudoTerminal.Open(sandbox.HostUserId, maxOutputChars);
        var start = sandbox.CreateTerminalStartInfo(["/bin/bash", "-c", command], terminal.SlavePath);
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        try
        {
            var process = Process.Start(start) ?? throw new SandboxUnavailableException("The interactive program did not start.");
            return new InteractiveProgram(command, terminal, process, time);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new SandboxUnavailableException($"The interactive program could not start ({start.FileName}): {ex.Message}", ex);
        }
    }

    /// <summary>Types <paramref name="input"/> (if any), then waits until <paramref name="waitFor"/> appears in the
    /// new output, the program ends, or <paramref name="timeout"/> passes; returns the output since the previous exchange.</summary>
    /// <exception cref="InvalidOperationException">Another exchange with this program is under way.</exception>
    public async Task<InteractiveResult> ExchangeAsync(string? input, string? waitFor, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (!_exchange.Wait(0, CancellationToken.None))
        {
            throw new InvalidOperationException("Another exchange with this session's interactive program is under way: wait for it.");
        }
        try
        {
            long started = _time.GetTimestamp();
            if (input is { Length: > 0 })
            {
                _terminal.Write(input);
            }
            var (output, matched, dropped) = await _terminal.TakeAsync(waitFor, timeout, _time, cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref _totalChars, output.Length + dropped);
            int? exit = null;
            bool running = Running;
            if (!running)
            {
                exit = await ExitCodeAsync().ConfigureAwait(false);
                string setup;
                lock (_setup)
                {
                    setup = _setup.ToString();
                    _setup.Clear();
                }
                output += setup;
            }
            return new InteractiveResult(output, running, exit, matched, dropped, _time.GetElapsedTime(started));
        }
        finally
        {
            _exchange.Release();
        }
    }

    /// <summary>Kills the program and everything it started.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already ended
        }
        _process.Dispose();
    }

    private async Task<int?> ExitCodeAsync()
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(ExitGrace, _time).ConfigureAwait(false);
            return _process.ExitCode;
        }
        catch (TimeoutException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    // The program's own streams only carry the sandbox's set-up errors (bwrap refusing a bind, a missing setsid).
    private async Task CollectAsync(StreamReader reader)
    {
        try
        {
            var text = await reader.ReadToEndAsync().ConfigureAwait(false);
            lock (_setup)
            {
                _setup.Append(text);
            }
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
