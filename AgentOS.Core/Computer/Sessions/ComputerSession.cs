using System.Diagnostics;
using AgentOS.Computer.Sandbox;
using AgentOS.Computer.Terminal;

namespace AgentOS.Computer.Sessions;

/// <summary>
/// A live computer-use session: one agent's sandbox (workspace, host user, limits) and its persistent shell. Tools
/// reach it through <see cref="ISessionHost"/>; the <see cref="SessionManager"/> creates, finds and destroys it.
/// </summary>
public sealed class ComputerSession : ISessionHost
{
    private readonly TimeProvider _time;
    private readonly Lock _shellGate = new();
    private Task<PersistentShell>? _starting;
    private PersistentShell? _shell;
    private InteractiveProgram? _interactive;
    private long _lastUsed;
    private long _commands;

    internal ComputerSession(string id, string owner, ISandbox provider, ISandboxInstance instance, TimeProvider time)
    {
        Id = id;
        OwnerAgentId = owner;
        Provider = provider;
        Instance = instance;
        _time = time;
        Created = time.GetUtcNow();
        _lastUsed = time.GetTimestamp();
    }

    /// <inheritdoc />
    public string Id { get; }

    /// <inheritdoc />
    public string OwnerAgentId { get; }

    /// <inheritdoc />
    public bool Isolated => Provider.Isolated;

    /// <inheritdoc />
    public string WorkspaceHostPath => Instance.WorkspaceHostPath;

    /// <inheritdoc />
    public string WorkspaceSandboxPath => Instance.WorkspaceSandboxPath;

    /// <inheritdoc />
    public string? ProxyUrl => Instance.Proxy?.Url;

    /// <summary>The session's network proxy on the host (null: no network).</summary>
    internal Network.SessionProxy? Proxy { get; set; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset Created { get; }

    /// <summary>Its limits.</summary>
    public SandboxLimits Limits => Instance.Limits;

    internal ISandbox Provider { get; }

    internal ISandboxInstance Instance { get; }

    internal long Commands => Interlocked.Read(ref _commands);

    /// <summary>What its terminal showed recently (the dashboard's view of the session).</summary>
    internal TerminalTranscript Transcript { get; } = new();

    internal bool Busy => Volatile.Read(ref _shell) is { Busy: true };

    /// <summary>Held by the kernel for a process it hosts (a sandboxed MCP server): never expired as idle.</summary>
    internal bool Hosted { get; init; }

    internal TimeSpan Idle => _time.GetElapsedTime(Interlocked.Read(ref _lastUsed));

    /// <inheritdoc />
    public ProcessStartInfo CreateStartInfo(IReadOnlyList<string> argv, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        Touch();
        return Instance.CreateStartInfo(argv, workingDirectory, environment);
    }

    /// <inheritdoc />
    public ProcessStartInfo CreateStartInfoWithLimits(IReadOnlyList<string> argv, SandboxLimits limits, IReadOnlyDictionary<string, string>? environment = null)
    {
        Touch();
        return Instance.CreateStartInfoWithLimits(argv, limits, environment);
    }

    internal void Touch() => Interlocked.Exchange(ref _lastUsed, _time.GetTimestamp());

    /// <summary>The session's shell, started (again) if it is not running.</summary>
    internal Task<PersistentShell> ShellAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _shell) is { Exited: false } running)
        {
            return Task.FromResult(running);
        }
        lock (_shellGate)
        {
            if (_shell is { Exited: false } current)
            {
                return Task.FromResult(current);
            }
            // One start at a time, shared by concurrent callers; a caller's cancellation abandons its wait, not the start.
            if (_starting is not { IsCompleted: false })
            {
                _shell?.Dispose();
                _starting = StartShellAsync();
            }
            return _starting.WaitAsync(cancellationToken);
        }
    }

    private async Task<PersistentShell> StartShellAsync()
    {
        var shell = await PersistentShell.StartAsync(Instance, _time).ConfigureAwait(false);
        Volatile.Write(ref _shell, shell);
        return shell;
    }

    internal PersistentShell? CurrentShell => Volatile.Read(ref _shell);

    internal void CountCommand() => Interlocked.Increment(ref _commands);

    /// <summary>The program on the session's pseudo-terminal, if one runs.</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    internal InteractiveProgram? Interactive => Volatile.Read(ref _interactive);

    /// <summary>Starts an interactive program unless one still runs (then null).</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    internal InteractiveProgram? StartInteractive(Func<InteractiveProgram> start)
    {
        lock (_shellGate)
        {
            if (_interactive is { Running: true })
            {
                return null;
            }
            _interactive?.Dispose();
            _interactive = start();
            return _interactive;
        }
    }

    /// <summary>Forgets <paramref name="program"/> once it has ended; true the first time (so its end is reported once).</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    internal bool EndInteractive(InteractiveProgram program)
    {
        if (Interlocked.CompareExchange(ref _interactive, null, program) != program)
        {
            return false;
        }
        program.Dispose();
        return true;
    }

    /// <summary>Kills the interactive program, if one runs; true if one did.</summary>
    internal bool KillInteractive()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref _interactive, null) is not { } program)
        {
            return false;
        }
        program.Dispose();
        return true;
    }

    /// <summary>Ends the shell and every process, and removes the workspace.</summary>
    internal void Close()
    {
        KillInteractive();
        Interlocked.Exchange(ref _shell, null)?.Dispose();
        Proxy?.Dispose();
        Instance.Dispose();
    }
}
