namespace AgentOS.Computer.Browser.Cdp;

/// <summary>A command got no answer, or an awaited event did not come, within the time allowed. The connection stays
/// usable; a late answer is dropped.</summary>
public sealed class CdpTimeoutException : CdpException
{
    /// <summary>Creates the error for <paramref name="what"/>.</summary>
    public CdpTimeoutException(string what, TimeSpan timeout)
        : base($"{what} did not complete within {timeout.TotalSeconds:0.###} s. The page may still be loading or the browser may be busy: retry, or allow more time.")
    {
        What = what;
        Timeout = timeout;
    }

    /// <summary>The command or event waited for.</summary>
    public string What { get; }

    /// <summary>The time allowed.</summary>
    public TimeSpan Timeout { get; }
}
