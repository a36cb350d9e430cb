namespace AgentOS.Computer.Sandbox;

/// <summary>A session's sandbox cannot be made: a missing tool (the message names the package), no free host user id,
/// a failed mount, or an unsupported platform without the no-isolation opt-in.</summary>
public sealed class SandboxUnavailableException : Exception
{
    /// <summary>Creates the error with a message that says what to install or change.</summary>
    public SandboxUnavailableException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }
}
