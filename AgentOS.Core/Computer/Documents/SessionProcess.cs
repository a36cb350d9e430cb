using System.ComponentModel;
using System.Diagnostics;
using AgentOS.Syscalls.Errors;

namespace AgentOS.Computer.Documents;

/// <summary>What a short-lived process in a session printed and how it ended.</summary>
internal sealed record SessionProcessResult(int ExitCode, byte[] Stdout, long StdoutBytes, string Stderr, bool TimedOut);

/// <summary>
/// Runs one short-lived program inside a session's sandbox (a converter such as <c>pdftotext</c>): feeds it bytes on
/// stdin, keeps at most a cap of its stdout (counting the rest), and kills its whole tree at the deadline.
/// </summary>
internal static class SessionProcess
{
    public static async Task<SessionProcessResult> RunAsync(ISessionHost host, IReadOnlyList<string> argv, byte[]? stdin, TimeSpan timeout,
        TimeProvider time, int maxOutputBytes, string installHint, CancellationToken cancellationToken)
    {
        var process = Start(host, argv, null, $"'{argv[0]}'", installHint);
        using (process)
        {
            var stdout = ReadCappedAsync(process.StandardOutput.BaseStream, maxOutputBytes);
            var stderr = ReadCappedAsync(process.StandardError.BaseStream, 16 * 1024);
            var feed = FeedAsync(process.StandardInput.BaseStream, stdin);
            bool timedOut = false;
            try
            {
                await process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                timedOut = true;
                Kill(process);
            }
            catch (OperationCanceledException)
            {
                Kill(process);
                throw;
            }
            await feed.ConfigureAwait(false);
            var (output, total) = await stdout.ConfigureAwait(false);
            var (error, _) = await stderr.ConfigureAwait(false);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            return new SessionProcessResult(timedOut ? -1 : process.ExitCode, output, total, System.Text.Encoding.UTF8.GetString(error), timedOut);
        }
    }

    /// <summary>Starts <paramref name="argv"/> in the session with stdin, stdout and stderr redirected.</summary>
    /// <exception cref="CapabilityNotSupportedException">The program cannot be started; the message says what to install.</exception>
    internal static Process Start(ISessionHost host, IReadOnlyList<string> argv, IReadOnlyDictionary<string, string>? environment, string what, string installHint)
    {
        var start = host.CreateStartInfo(argv, null, environment);
        start.UseShellExecute = false;
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException($"{what} did not start.");
        }
        catch (Win32Exception ex)
        {
            throw new CapabilityNotSupportedException($"{what} cannot be started in session {host.Id}: {ex.Message}. {installHint}", ex);
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited on its own meanwhile.
        }
    }

    private static async Task FeedAsync(Stream input, byte[]? bytes)
    {
        try
        {
            if (bytes is not null)
            {
                await input.WriteAsync(bytes).ConfigureAwait(false);
            }
            await input.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The program stopped reading (it failed or was killed); its exit code says why.
        }
    }

    /// <summary>Reads a stream to its end, keeping the first <paramref name="cap"/> bytes and counting all.</summary>
    internal static async Task<(byte[] Kept, long Total)> ReadCappedAsync(Stream stream, int cap)
    {
        var kept = new MemoryStream();
        var buffer = new byte[16 * 1024];
        long total = 0;
        int n;
        while ((n = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            total += n;
            int room = (int)Math.Min(n, cap - kept.Length);
            if (room > 0)
            {
                kept.Write(buffer, 0, room);
            }
        }
        return (kept.ToArray(), total);
    }
}
