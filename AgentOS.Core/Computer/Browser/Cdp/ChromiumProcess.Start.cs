using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using AgentOS.Interop;

namespace AgentOS.Computer.Browser.Cdp;

public sealed partial class ChromiumProcess
{
    // The shell opens the browser's input FIFO onto 3 and its output FIFO onto 4, then execs the real command line
    // (which may be a sandbox launcher: prlimit, setpriv and bwrap pass inherited descriptors on unchanged).
    private const string PipeScript = "in=$1; out=$2; shift 2; exec \"$@\" 3<\"$in\" 4>\"$out\"";

    private const int ErrorTailLines = 40;

    private static async Task<ChromiumProcess> StartAsync(ChromiumLaunchOptions options, IReadOnlyList<string> argv, Func<IReadOnlyList<string>, ProcessStartInfo> createStartInfo, string? temporaryProfile, TimeProvider? time, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("agentos-cdp-").FullName;
        var toBrowserPath = Path.Combine(folder, "in");
        var fromBrowserPath = Path.Combine(folder, "out");
        foreach (var fifo in new[] { toBrowserPath, fromBrowserPath })
        {
            if (Libc.MkFifo(fifo, Convert.ToUInt32("600", 8)) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                Directory.Delete(folder, recursive: true);
                throw new ChromiumLaunchException($"Could not create the DevTools pipe {fifo}: {new Win32Exception(errno).Message}.");
            }
        }
        var inner = createStartInfo(argv);
        var start = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            WorkingDirectory = inner.WorkingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in (string[])["-c", PipeScript, "agentos-chromium", toBrowserPath, fromBrowserPath, inner.FileName, .. inner.ArgumentList])
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment.Clear();
        foreach (var (name, value) in inner.Environment)
        {
            start.Environment[name] = value;
        }
        var process = new Process { StartInfo = start };
        var browser = new ChromiumProcess(process, folder, temporaryProfile, time ?? TimeProvider.System);
        process.ErrorDataReceived += (_, line) => browser.KeepErrorLine(line.Data);
        process.OutputDataReceived += (_, _) => { };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            Directory.Delete(folder, recursive: true);
            throw new ChromiumLaunchException($"Could not start the browser's launcher: {e.Message}.", "", e);
        }
        browser.ProcessId = process.Id;
        process.StandardInput.Close();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            await browser.ConnectAsync(toBrowserPath, fromBrowserPath, options, time ?? TimeProvider.System, cancellationToken).ConfigureAwait(false);
            return browser;
        }
        catch (Exception e)
        {
            var errorOutput = browser.ErrorOutput;
            await browser.DisposeAsync().ConfigureAwait(false);
            if (e is OperationCanceledException)
            {
                throw;
            }
            throw new ChromiumLaunchException("The browser did not start: it exited or did not answer on its DevTools pipe in time.", errorOutput, e);
        }
    }

    private async Task ConnectAsync(string toBrowserPath, string fromBrowserPath, ChromiumLaunchOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        // Read-write never blocks on a FIFO (Linux), so the shell's "3<in" finds a writer at once. Holding a read end of
        // our own output is harmless: the browser's death is seen on the other FIFO, whose only writer is the browser.
        var toBrowser = new FileStream(toBrowserPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        // Opening for reading blocks until the shell opens "4>out"; should the process die first, a writer of our own
        // releases the open so nothing hangs.
        var opening = Task.Run(() => new FileStream(fromBrowserPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0), CancellationToken.None);
        var exited = _process.WaitForExitAsync(CancellationToken.None);
        if (await Task.WhenAny(opening, exited).ConfigureAwait(false) != opening)
        {
            using (new FileStream(fromBrowserPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0))
            {
            }
            await (await opening.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
            await toBrowser.DisposeAsync().ConfigureAwait(false);
            throw new ChromiumLaunchException("The browser's launcher exited before it opened the DevTools pipe.", ErrorOutput);
        }
        var fromBrowser = await opening.ConfigureAwait(false);
        Connection = new CdpConnection(fromBrowser, toBrowser, time) { CommandTimeout = options.StartupTimeout };
        await Connection.SendAsync("Browser.getVersion", null, null, cancellationToken).ConfigureAwait(false);
        Connection.CommandTimeout = options.CommandTimeout;
    }

    private void KeepErrorLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_errorTail)
        {
            _errorTail.Enqueue(line);
            while (_errorTail.Count > ErrorTailLines)
            {
                _errorTail.Dequeue();
            }
        }
    }
}
