namespace AgentOS.Computer.Browser.Cdp;

/// <summary>The base of the DevTools client's typed errors.</summary>
public abstract class CdpException : Exception
{
    private protected CdpException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }
}
