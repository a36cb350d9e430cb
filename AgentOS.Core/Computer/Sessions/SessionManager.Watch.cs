namespace AgentOS.Computer.Sessions;

public sealed partial class SessionManager
{
    /// <summary>A live session by id, for a watcher the caller has already authorized (the HTTP API's session views):
    /// unlike <see cref="Get"/> it neither checks the owner nor counts as use (watching does not keep a session alive).</summary>
    internal ComputerSession? Find(string sessionId) =>
        !string.IsNullOrEmpty(sessionId) && _sessions.TryGetValue(sessionId, out var session) ? session : null;
}
