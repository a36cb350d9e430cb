namespace AgentOS.Computer.Browser.Cdp;

public sealed partial class ChromiumProcess
{
    /// <summary>Closes the browser: asks it to close, then kills the process tree (in a sandbox, the launcher's death
    /// takes the whole sandbox with it), and removes the pipe folder and a temporary profile.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        if (Connection is { } connection)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Never started: nothing to stop.
        }
        if (Connection is { } closed)
        {
            // Bounded: a descendant that escaped the kill and still holds the pipe must not hang the caller.
            try
            {
                await closed.ReaderStopped.WaitAsync(TimeSpan.FromSeconds(10), _time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                System.Diagnostics.Trace.TraceWarning($"The browser {ProcessId} was killed but its DevTools pipe stayed open: a process it started may still hold it.");
            }
        }
        _process.Dispose();
        DeleteQuietly(_pipeFolder);
        DeleteQuietly(_temporaryProfile);
    }
}
