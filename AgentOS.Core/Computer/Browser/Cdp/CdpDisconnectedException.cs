namespace AgentOS.Computer.Browser.Cdp;

/// <summary>The connection (or the session a command was sent on) is gone: the browser exited, the pipe closed, the
/// client was disposed, or the target detached. Commands still waiting fail with it; nothing is retried.</summary>
public sealed class CdpDisconnectedException : CdpException
{
    /// <summary>Creates the error.</summary>
    public CdpDisconnectedException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }
}
