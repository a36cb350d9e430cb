using System.Diagnostics;
using AgentOS.Computer;
using AgentOS.Syscalls.Errors;

namespace AgentOS.Tests.Computer.Documents;

/// <summary>
/// A session host for the tools' tests that starts processes directly in a temp workspace, without isolation (the
/// sandbox developer's tests cover isolation); an optional prefix wraps every command (for example in bwrap).
/// </summary>
public sealed class DirectSessionHost(string workspace, string id = "s1", string owner = "alice") : ISessionHost
{
    public string Id => id;

    public string OwnerAgentId => owner;

    public bool Isolated => Wrap is not null;

    public string WorkspaceHostPath => workspace;

    public string WorkspaceSandboxPath { get => field ?? WorkspaceHostPath; init; }

    /// <summary>Builds the real argv from the sandbox argv and the working directory (null: run directly).</summary>
    public Func<IReadOnlyList<string>, string, IReadOnlyList<string>>? Wrap { get; init; }

    private int _started;

    /// <summary>How many processes were started through this host.</summary>
    public int Started => Volatile.Read(ref _started);

    public ProcessStartInfo CreateStartInfo(IReadOnlyList<string> argv, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        Interlocked.Increment(ref _started);
        var real = Wrap is { } wrap ? wrap(argv, workingDirectory ?? WorkspaceSandboxPath) : argv;
        var start = new ProcessStartInfo(real[0]) { WorkingDirectory = Wrap is null ? workingDirectory ?? workspace : workspace, UseShellExecute = false };
        foreach (var arg in real.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        return start;
    }

    /// <summary>A resolver that finds this session for its owner only.</summary>
    public SessionResolver Resolver => (caller, sessionId) =>
        sessionId == id && caller.AgentId == owner ? this : throw new InvalidRequestException($"No session '{sessionId}' belongs to agent '{caller.AgentId}'.");
}
