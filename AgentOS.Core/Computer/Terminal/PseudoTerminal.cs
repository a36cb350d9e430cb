using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;
using AgentOS.Computer.Sandbox;
using AgentOS.Interop;

namespace AgentOS.Computer.Terminal;

/// <summary>
/// A pseudo-terminal whose master the kernel holds: a reader thread collects what the program on the slave writes,
/// and waiters are woken on every chunk (no polling). The slave is never opened here: the program opens it by path,
/// so when the program and everything it started have exited, the master's read ends with <c>EIO</c>.
/// </summary>
/// <remarks>Thread-safe. The master is closed by the reader thread once the slave side has closed, never while that
/// thread may still read it (a descriptor number closed under a blocked read could be reused by another file).</remarks>
[SupportedOSPlatform("linux")]
internal sealed class PseudoTerminal
{
    private readonly int _master;
    private readonly Lock _gate = new();
    // Writes take their own lock: a write blocks while the program does not read its input, and the reader must
    // still be able to collect the program's output meanwhile. The reader takes it before it closes the master.
    private readonly Lock _writing = new();
    private readonly StringBuilder _unread = new();
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
    private readonly int _cap;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _dropped;
    private bool _closed;

    private PseudoTerminal(int master, string slavePath, int cap)
    {
        _master = master;
        SlavePath = slavePath;
        _cap = cap;
    }

    /// <summary>The slave's host path (<c>/dev/pts/N</c>).</summary>
    public string SlavePath { get; }

    /// <summary>Whether the slave side has closed (the program and every process holding the terminal have ended)
    /// and all its output has been read.</summary>
    public bool Closed
    {
        get
        {
            lock (_gate)
            {
                return _closed;
            }
        }
    }

    /// <summary>Opens a pseudo-terminal whose slave belongs to <paramref name="ownerUid"/> (the session's host uid,
    /// so only that session's programs can open it); keeps at most <paramref name="cap"/> unread characters.</summary>
    /// <exception cref="SandboxUnavailableException">The system has no pseudo-terminals to give.</exception>
    public static unsafe PseudoTerminal Open(int ownerUid, int cap)
    {
        int master = Libc.PosixOpenPt(Libc.PtyMasterFlags);
        if (master < 0)
        {
            throw new SandboxUnavailableException($"No pseudo-terminal could be opened (errno {Marshal.GetLastPInvokeError()}): check that /dev/ptmx and a devpts mount exist.");
        }
        try
        {
            if (Libc.GrantPt(master) != 0 || Libc.UnlockPt(master) != 0)
            {
                throw new SandboxUnavailableException($"The pseudo-terminal could not be unlocked (errno {Marshal.GetLastPInvokeError()}).");
            }
            var name = stackalloc byte[128];
            int error = Libc.PtsNameR(master, name, 128);
            if (error != 0)
            {
                throw new SandboxUnavailableException($"The pseudo-terminal's name could not be read (errno {error}).");
            }
            var path = Marshal.PtrToStringUTF8((nint)name)!;
            // The session's uid must open the slave; nobody else (other sessions run as other uids) may.
            if (ownerUid >= 0 && Libc.GetEffectiveUserId() == 0 && Libc.LChown(path, ownerUid, ownerUid) != 0)
            {
                throw new SandboxUnavailableException($"The pseudo-terminal {path} could not be given to uid {ownerUid} (errno {Marshal.GetLastPInvokeError()}).");
            }
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var terminal = new PseudoTerminal(master, path, cap);
            new Thread(terminal.ReadLoop) { IsBackground = true, Name = "agentos-pty-reader" }.Start();
            return terminal;
        }
        catch
        {
            Libc.Close(master);
            throw;
        }
    }

    /// <summary>Writes <paramref name="input"/> as the program's keyboard would (a newline is Enter, <c>\u0003</c> is
    /// Ctrl-C). Returns false when the terminal has closed.</summary>
    public unsafe bool Write(string input)
    {
        var bytes = Encoding.UTF8.GetBytes(input);
        lock (_writing)
        {
            if (Closed)
            {
                return false;
            }
            fixed (byte* p = bytes)
            {
                int done = 0;
                while (done < bytes.Length)
                {
                    nint n = Libc.Write(_master, p + done, (nuint)(bytes.Length - done));
                    if (n < 0)
                    {
                        if (Marshal.GetLastPInvokeError() == Libc.ErrorInterrupted)
                        {
                            continue;
                        }
                        return false;
                    }
                    done += (int)n;
                }
            }
        }
        return true;
    }

    /// <summary>Waits until the unread output contains <paramref name="expect"/> (when given), the terminal closes,
    /// or <paramref name="timeout"/> passes; then takes the unread output. Returns the output, whether
    /// <paramref name="expect"/> was seen, and how many characters were dropped past the cap since the last take.</summary>
    public async Task<(string Output, bool Matched, long Dropped)> TakeAsync(string? expect, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        long deadline = time.GetTimestamp();
        bool matched = false;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                matched = expect is { Length: > 0 } && _unread.ToString().Contains(expect, StringComparison.Ordinal);
                if (matched || _closed)
                {
                    break;
                }
                changed = _changed.Task;
            }
            var left = timeout - time.GetElapsedTime(deadline);
            if (left <= TimeSpan.Zero)
            {
                break;
            }
            try
            {
                await changed.WaitAsync(left, time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                break;
            }
        }
        lock (_gate)
        {
            var output = _unread.ToString();
            _unread.Clear();
            long dropped = _dropped;
            _dropped = 0;
            return (output, matched, dropped);
        }
    }

    private unsafe void ReadLoop()
    {
        var buffer = new byte[8192];
        var chars = new char[8192 + 4];
        try
        {
            while (true)
            {
                nint n;
                fixed (byte* p = buffer)
                {
                    n = Libc.Read(_master, p, (nuint)buffer.Length);
                }
                if (n < 0 && Marshal.GetLastPInvokeError() == Libc.ErrorInterrupted)
                {
                    continue;
                }
                if (n <= 0)
                {
                    break; // EIO: every holder of the slave has closed it
                }
                int count = _decoder.GetChars(buffer, 0, (int)n, chars, 0, flush: false);
                Append(chars.AsSpan(0, count));
            }
        }
        finally
        {
            TaskCompletionSource woken;
            lock (_gate)
            {
                _closed = true;
                woken = _changed;
            }
            lock (_writing)
            {
                Libc.Close(_master);
            }
            woken.TrySetResult();
        }
    }

    private void Append(ReadOnlySpan<char> text)
    {
        TaskCompletionSource woken;
        lock (_gate)
        {
            int room = Math.Max(0, _cap - _unread.Length);
            _unread.Append(text[..Math.Min(room, text.Length)]);
            _dropped += Math.Max(0, text.Length - room);
            woken = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        woken.TrySetResult();
    }
}
