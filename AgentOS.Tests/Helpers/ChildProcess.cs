using System.Collections.Concurrent;
using System.Diagnostics;

namespace AgentOS.Tests.Helpers;

/// <summary>
/// A child process of the tests (for example <c>dotnet AgentOS.Core.dll serve</c> or a crash-test writer) with its
/// stdout and stderr captured line by line. Disposing kills the whole process tree; so does the end of the run, for
/// children of a test that timed out before it could dispose them.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private static readonly ConcurrentDictionary<ChildProcess, byte> Live = new();
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _lineArrived = new(0);

    static ChildProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var child in Live.Keys)
        {
            child.Kill();
        }
    };

    private ChildProcess(ProcessStartInfo info)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = true;
        info.UseShellExecute = false;
        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(_stdout, _stdoutClosed, e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(_stderr, _stderrClosed, e.Data);
        _process.Start();
        Live.TryAdd(this, 0);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Starts an executable with arguments (each passed as one argument, no shell quoting).</summary>
    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, string? workingDirectory = null, IDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(fileName) { WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }
        return new ChildProcess(info);
    }

    /// <summary>Starts <c>dotnet &lt;assembly&gt; args</c> with the same dotnet host that runs the tests.</summary>
    public static ChildProcess StartDotnet(string assemblyPath, IEnumerable<string> arguments, string? workingDirectory = null, IDictionary<string, string?>? environment = null) =>
        Start(DotnetHost, [assemblyPath, .. arguments], workingDirectory, environment);

    /// <summary>The dotnet host executable running this process.</summary>
    public static string DotnetHost => Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The child's standard input, for requests a test sends it.</summary>
    public StreamWriter StandardInput => _process.StandardInput;

    public IReadOnlyList<string> StdoutLines
    {
        get
        {
            lock (_stdout)
            {
                return [.. _stdout];
            }
        }
    }

    public IReadOnlyList<string> StderrLines
    {
        get
        {
            lock (_stderr)
            {
                return [.. _stderr];
            }
        }
    }

    public string Stdout => string.Join('\n', StdoutLines);

    public string Stderr => string.Join('\n', StderrLines);

    /// <summary>Waits for the child to exit and its output to be fully read; returns its exit code.</summary>
    /// <exception cref="TimeoutException">The child is still running after <paramref name="timeout"/> (it is killed).</exception>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"child process {_process.StartInfo.FileName} did not exit within {timeout.TotalSeconds:0.#} s; killed. stderr so far: {Stderr}");
        }
        return _process.ExitCode;
    }

    /// <summary>Waits until a line on stdout or stderr matches; returns it.</summary>
    /// <exception cref="TimeoutException">No such line arrived in time, or the child exited first.</exception>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (StdoutLines.Concat(StderrLines).FirstOrDefault(match) is { } line)
            {
                return line;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || _stdoutClosed.Task.IsCompleted && _stderrClosed.Task.IsCompleted)
            {
                throw new TimeoutException($"no matching line from the child within {timeout.TotalSeconds:0.#} s (exited: {_process.HasExited}). stdout: {Stdout} stderr: {Stderr}");
            }
            await _lineArrived.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200)).ConfigureAwait(false);
        }
    }

    /// <summary>Sends SIGTERM (Unix only): the child's orderly stop, as a service manager would ask for it.</summary>
    public void Terminate()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("SIGTERM is a POSIX signal; on Windows, use Kill.");
        }
        using var kill = System.Diagnostics.Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Kills the whole process tree at once (SIGKILL on Unix).</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public void Dispose()
    {
        Kill();
        Live.TryRemove(this, out _);
        _process.Dispose();
    }

    private void OnLine(List<string> lines, TaskCompletionSource closed, string? line)
    {
        if (line is null)
        {
            closed.TrySetResult();
        }
        else
        {
            lock (lines)
            {
                lines.Add(line);
            }
        }
        _lineArrived.Release();
    }
}
