namespace AgentOS.Computer.Sessions;

/// <summary>One live session, as <c>status</c> and <c>session.list</c> show it.</summary>
/// <param name="Id">The session's id.</param>
/// <param name="Agent">The agent that owns it.</param>
/// <param name="Sandbox">The provider (<c>bubblewrap</c>, or <c>unisolated</c> under the no-isolation opt-in).</param>
/// <param name="Isolated">Whether its processes are isolated.</param>
/// <param name="Created">When it was created.</param>
/// <param name="IdleSeconds">Seconds since its last use.</param>
/// <param name="Commands">Commands it has run.</param>
/// <param name="Busy">Whether a command is running now.</param>
/// <param name="DiskBytes">Bytes used in its workspace.</param>
/// <param name="DiskLimitBytes">Its workspace's cap.</param>
public sealed record SessionStatus(string Id, string Agent, string Sandbox, bool Isolated, DateTimeOffset Created, double IdleSeconds, long Commands, bool Busy, long DiskBytes, long DiskLimitBytes);

/// <summary>The sessions part of the kernel's status: the provider, what it isolates, and every live session.</summary>
/// <param name="Sandbox">The provider's name.</param>
/// <param name="Isolated">Whether sessions are isolated (false means the no-isolation opt-in is on).</param>
/// <param name="Description">What is and is not isolated.</param>
/// <param name="Sessions">The live sessions.</param>
public sealed record ComputerStatus(string Sandbox, bool Isolated, string Description, IReadOnlyList<SessionStatus> Sessions);
