namespace AgentOS.Computer.Sandbox;

/// <summary>
/// A way to run a session's processes: bubblewrap on Linux (<see cref="BubblewrapSandbox"/>), or the explicit,
/// audited opt-in to run them unisolated (<see cref="UnisolatedSandbox"/>). A provider makes one
/// <see cref="ISandboxInstance"/> per session: its workspace, its host user, its limits.
/// </summary>
/// <remarks>Thread-safe: sessions are created and destroyed concurrently.</remarks>
public interface ISandbox : IDisposable
{
    /// <summary>The provider's name in status and audit: <c>bubblewrap</c> or <c>unisolated</c>.</summary>
    string Name { get; }

    /// <summary>Whether processes are isolated from the host (false only for the no-isolation opt-in).</summary>
    bool Isolated { get; }

    /// <summary>What is and is not isolated, in one sentence, for status.</summary>
    string Description { get; }

    /// <summary>Makes a session's sandbox: a workspace capped at <see cref="SandboxLimits.DiskBytes"/> and, where the
    /// provider isolates, a host user of its own.</summary>
    /// <param name="sessionId">The session's id (letters, digits, '-').</param>
    /// <param name="limits">The session's limits.</param>
    /// <exception cref="SandboxUnavailableException">The sandbox cannot be made (a missing tool, no free user id, a
    /// failed mount); the message says what to install or change.</exception>
    ISandboxInstance Create(string sessionId, SandboxLimits limits);
}
