using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AgentOS.Serialization;
using AgentOS.Syscalls.Errors;

namespace AgentOS.Computer.Code;

/// <summary>
/// One long-lived interpreter process in a session's sandbox, running a driver (<see cref="Drivers.PythonDriver"/>,
/// <see cref="Drivers.NodeDriver"/>) that keeps the program's state between calls. Requests and replies are JSON
/// frames, <c>"&lt;bytes&gt;\n"</c> then the bytes, over the process's stdin and stdout; the user's own output never
/// reaches that pipe (the driver captures it in files), so nothing the code prints can forge a reply. Not thread-safe:
/// <see cref="CodeInterpreterPool"/> runs one call at a time per interpreter.
/// </summary>
internal sealed class CodeInterpreter : IDisposable
{
    private const int StderrKeep = 4096;

    private readonly Process _process;
    private readonly Stream _input;
    private readonly BufferedStream _output;
    private readonly Task _stderr;
    private readonly int _maxFrameBytes;
    private string _stderrTail = "";

    private CodeInterpreter(Process process, CodeLanguage language, int maxOutputBytes)
    {
        _process = process;
        Language = language;
        _input = process.StandardInput.BaseStream;
        _output = new BufferedStream(process.StandardOutput.BaseStream, 64 * 1024);
        // stdout + stderr + the value, each capped by the driver, JSON-escaped (at most 6 bytes per byte), plus the
        // traceback: anything larger is not a reply from our driver.
        _maxFrameBytes = (maxOutputBytes * 3 * 6) + (1 << 20);
        _stderr = DrainStderrAsync(process.StandardError.BaseStream);
    }

    public CodeLanguage Language { get; }

    /// <summary>The interpreter's version, as its ready frame reported it.</summary>
    public string Version { get; private set; } = "";

    /// <summary>How many calls this interpreter has run (its state's age).</summary>
    public int Executions { get; private set; }

    public bool HasExited
    {
        get
        {
            try
            {
                return _process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }
    }

    /// <summary>Starts the interpreter in the session and waits for the driver's ready frame.</summary>
    /// <exception cref="CapabilityNotSupportedException">The interpreter cannot be started in the session.</exception>
    public static async Task<CodeInterpreter> StartAsync(ISessionHost host, CodeLanguage language, CodeToolOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        var process = Documents.SessionProcess.Start(host, language.Argv(options), language.Environment, $"The {language.Name} interpreter", language.InstallHint);
        var interpreter = new CodeInterpreter(process, language, options.MaxOutputBytes);
        try
        {
            var ready = await interpreter.ReadFrameAsync(cancellationToken).WaitAsync(options.StartTimeout, time, cancellationToken).ConfigureAwait(false);
            if (ready is not { Ready: true })
            {
                throw new CapabilityNotSupportedException($"The {language.Name} interpreter in session {host.Id} did not report ready. {language.InstallHint}");
            }
            interpreter.Version = ready.Version ?? "";
            return interpreter;
        }
        catch (Exception ex) when (ex is EndOfStreamException or TimeoutException or InvalidDataException)
        {
            string stderr = await interpreter.StopAsync(time, TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            throw new CapabilityNotSupportedException(
                $"The {language.Name} interpreter in session {host.Id} did not start ({(ex is TimeoutException ? "no ready report within " + options.StartTimeout : ex.Message)}){(stderr.Length > 0 ? ": " + stderr.Trim() : "")}. {language.InstallHint}", ex);
        }
        catch
        {
            interpreter.Dispose();
            throw;
        }
    }

    /// <summary>Runs one cell and returns the driver's reply.</summary>
    /// <exception cref="TimeoutException">The call outlived <paramref name="timeout"/>; the interpreter must be killed.</exception>
    /// <exception cref="EndOfStreamException">The interpreter exited during the call.</exception>
    public async Task<CodeDriverReply> ExecuteAsync(string code, int maxOutputBytes, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        Executions++;
        var body = JsonSerializer.SerializeToUtf8Bytes(new CodeDriverRequest(code, maxOutputBytes), AgentOSJsonContext.Default.CodeDriverRequest);
        var header = System.Text.Encoding.ASCII.GetBytes(body.Length.ToString(CultureInfo.InvariantCulture) + "\n");
        try
        {
            await _input.WriteAsync(header, cancellationToken).ConfigureAwait(false);
            await _input.WriteAsync(body, cancellationToken).ConfigureAwait(false);
            await _input.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new EndOfStreamException("the interpreter's input is closed", ex);
        }
        var reply = ReadFrameAsync(cancellationToken);
        return await reply.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What the interpreter wrote on its own stderr before the driver took it over (start-up failures).</summary>
    public string StderrTail => Volatile.Read(ref _stderrTail);

    /// <summary>The exit code, once <see cref="StopAsync"/> has returned (null when it was killed).</summary>
    public int? ExitCode { get; private set; }

    private async Task<CodeDriverReply> ReadFrameAsync(CancellationToken cancellationToken)
    {
        int length = 0;
        int digits = 0;
        var one = new byte[1];
        while (true)
        {
            if (await _output.ReadAsync(one, cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new EndOfStreamException("the interpreter exited");
            }
            if (one[0] == (byte)'\n' && digits > 0)
            {
                break;
            }
            if (one[0] is < (byte)'0' or > (byte)'9' || ++digits > 9)
            {
                throw new InvalidDataException("the interpreter wrote something other than a driver frame");
            }
            length = (length * 10) + (one[0] - '0');
        }
        if (length > _maxFrameBytes)
        {
            throw new InvalidDataException($"the interpreter announced a {length}-byte reply, larger than any the driver sends");
        }
        var body = new byte[length];
        try
        {
            await _output.ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException)
        {
            throw new EndOfStreamException("the interpreter exited mid-reply");
        }
        try
        {
            return JsonSerializer.Deserialize(body, AgentOSJsonContext.Default.CodeDriverReply)
                ?? throw new InvalidDataException("the interpreter sent an empty reply");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException("the interpreter sent a malformed reply", ex);
        }
    }

    private async Task DrainStderrAsync(Stream stderr)
    {
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = await stderr.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                string tail = _stderrTail + System.Text.Encoding.UTF8.GetString(buffer, 0, n);
                Volatile.Write(ref _stderrTail, tail.Length > StderrKeep ? tail[^StderrKeep..] : tail);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The process is gone; what it wrote so far is kept.
        }
    }

    /// <summary>Kills the process tree (after <paramref name="grace"/> for it to end by itself, when it is already
    /// ending), waits for it, and returns what it wrote on its own stderr.</summary>
    public async Task<string> StopAsync(TimeProvider? time = null, TimeSpan grace = default)
    {
        if (time is not null && grace > TimeSpan.Zero)
        {
            try
            {
                await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(grace, time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Still running: killed below.
            }
        }
        bool exited = HasExited;
        Kill();
        await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        ExitCode = exited ? _process.ExitCode : null;
        await _stderr.ConfigureAwait(false);
        Dispose();
        return StderrTail;
    }

    /// <summary>Kills the process tree now (a call waiting on it then sees it end).</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has exited already.
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
