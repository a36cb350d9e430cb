using AgentOS.Access;
using AgentOS.Computer;
using AgentOS.Computer.Sandbox;
using AgentOS.Computer.Sessions;
using AgentOS.Computer.Terminal;
using AgentOS.Events;

namespace AgentOS.Tests.Computer;

/// <summary>
/// Two session managers side by side: one on the bubblewrap sandbox, one on the no-isolation opt-in (the escape
/// suite's positive control: a probe must succeed there and fail in the sandbox). Workspaces live under a fresh
/// folder in /tmp (traversable by sessions' uids, as the sandbox needs).
/// </summary>
internal sealed class SandboxFixture : IAsyncDisposable
{
    private readonly string _root = Path.Combine("/tmp", "agentos-sbx-" + Guid.NewGuid().ToString("N")[..12]);

    public SandboxFixture(ComputerOptions? options = null, TimeProvider? time = null, Func<string, (int? MaxSessions, long? DiskBytes)?>? grants = null)
    {
        Options = options ?? new ComputerOptions { Limits = new SandboxLimits { DiskBytes = 8L << 20, Processes = 64, MemoryBytes = 512L << 20 } };
        Time = time ?? TimeProvider.System;
        Audit = AuditLog.InMemory();
        Events = new EventBus();
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The bubblewrap sandbox is Linux only.");
        }
        Sandboxed = new SessionManager(new BubblewrapSandbox(Path.Combine(_root, "sandboxed")), Options, Time, Events, Audit, grants);
        Unisolated = new SessionManager(new UnisolatedSandbox(Path.Combine(_root, "unisolated")), Options, Time, null, Audit, grants);
    }

    public ComputerOptions Options { get; }

    public TimeProvider Time { get; }

    public AuditLog Audit { get; }

    public EventBus Events { get; }

    public SessionManager Sandboxed { get; }

    public SessionManager Unisolated { get; }

    /// <summary>Runs <paramref name="command"/> in a fresh session of <paramref name="manager"/>.</summary>
    public static async Task<CommandResult> RunOnceAsync(SessionManager manager, string command, string agent = "prober", TimeSpan? timeout = null)
    {
        var session = await manager.CreateAsync(agent);
        try
        {
            return await manager.RunAsync(agent, session.Id, command, timeout ?? TimeSpan.FromSeconds(20));
        }
        finally
        {
            manager.Destroy(agent, session.Id);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Sandboxed.DisposeAsync();
        await Unisolated.DisposeAsync();
        await Events.DisposeAsync();
        Audit.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
