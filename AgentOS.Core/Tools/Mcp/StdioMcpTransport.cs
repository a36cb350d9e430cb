using System.Diagnostics;
using System.Text;
using AgentOS.Mcp.JsonRpc;

namespace AgentOS.Tools.Mcp;

/// <summary>
/// An MCP server as a child process: one JSON-RPC message per line on its stdin and stdout; its stderr is its log (the
/// last lines are kept, so a crash can say why). The caller builds the start info, so a server can start inside a
/// sandbox session (<see cref="Computer.ISessionHost.CreateStartInfo"/>) as well as directly.
/// </summary>
public sealed class StdioMcpTransport : IMcpTransport
{
    private const int StderrLinesKept = 20;
    private readonly ProcessStartInfo _startInfo;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly TaskCompletionSource<string> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Queue<string> _stderr = new();
    private Process? _process;
    private Stream? _stdin;
    private int _disposed;

    /// <summary>A transport that starts <paramref name="startInfo"/> (its redirections are set here).</summary>
    public StdioMcpTransport(ProcessStartInfo startInfo, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
        _startInfo = startInfo;
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public Task<string> Completion => _completion.Task;

    /// <inheritdoc/>
    public string? ProtocolVersion { get; set; }

    /// <summary>The child's process id once started (tests kill it to prove restarts).</summary>
    public int? ProcessId => _process?.Id;

    /// <summary>The last lines the server wrote to stderr.</summary>
    public string RecentStderr
    {
        get
        {
            lock (_stderr)
            {
                return string.Join('\n', _stderr);
            }
        }
    }

    /// <inheritdoc/>
    public Task StartAsync(Func<JsonRpcMessage, ValueTask> receive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receive);
        _startInfo.RedirectStandardInput = true;
        _startInfo.RedirectStandardOutput = true;
        _startInfo.RedirectStandardError = true;
        _startInfo.UseShellExecute = false;
        _startInfo.StandardOutputEncoding = new UTF8Encoding(false);
        _startInfo.StandardErrorEncoding = new UTF8Encoding(false);
        try
        {
            _process = Process.Start(_startInfo) ?? throw new McpServerUnavailableException($"'{_startInfo.FileName}' did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new McpServerUnavailableException($"Cannot start the MCP server '{_startInfo.FileName}': {ex.Message}. Check the command and that it is installed.", ex);
        }
        _stdin = _process.StandardInput.BaseStream;
        _ = ReadStdoutAsync(_process.StandardOutput, receive);
        _ = ReadStderrAsync(_process.StandardError);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task SendAsync(JsonRpcMessage message, CancellationToken cancellationToken = default)
    {
        var stdin = _stdin ?? throw new InvalidOperationException("Start the transport before sending.");
        byte[] line = [.. JsonRpcWriter.ToUtf8(message), (byte)'\n'];
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await stdin.WriteAsync(line, cancellationToken).ConfigureAwait(false);
            await stdin.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            throw new McpServerUnavailableException($"The MCP server '{_startInfo.FileName}' is gone: {ex.Message}", ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    // Each stdout line is one message; a line that is not JSON-RPC is the server's bug, skipped rather than fatal.
    private async Task ReadStdoutAsync(StreamReader stdout, Func<JsonRpcMessage, ValueTask> receive)
    {
        string reason = "the server closed its stdout";
        try
        {
            while (await stdout.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }
                var payload = JsonRpcReader.Parse(Encoding.UTF8.GetBytes(line));
                foreach (var message in payload.Messages)
                {
                    await receive(message).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            reason = ex.Message;
        }
        var process = _process!;
        string exit = await ExitCodeAsync(process).ConfigureAwait(false);
        string stderr = RecentStderr;
        _completion.TrySetResult($"The MCP server '{_startInfo.FileName}' stopped ({reason}; {exit})" + (stderr.Length > 0 ? $"; its last stderr: {stderr}" : "."));
    }

    private async Task ReadStderrAsync(StreamReader stderr)
    {
        try
        {
            while (await stderr.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                lock (_stderr)
                {
                    _stderr.Enqueue(line);
                    if (_stderr.Count > StderrLinesKept)
                    {
                        _stderr.Dequeue();
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The process is gone; stdout's reader reports it.
        }
    }

    // The exit code when the process has exited within a moment of closing stdout (a crash usually has).
    private async Task<string> ExitCodeAsync(Process process)
    {
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2), _time);
        try
        {
            await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            return $"exit code {process.ExitCode}";
        }
        catch (OperationCanceledException)
        {
            return "still running";
        }
    }

    /// <summary>Closes stdin (a well-behaved server exits), then kills the process tree if it has not exited within 2 s.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0 || _process is not { } process)
        {
            return;
        }
        try
        {
            _stdin?.Dispose();
        }
        catch (IOException)
        {
            // A dead pipe: the process is gone already.
        }
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2), _time);
        try
        {
            await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited meanwhile.
            }
        }
        _completion.TrySetResult($"The MCP server '{_startInfo.FileName}' was stopped.");
        process.Dispose();
    }
}
