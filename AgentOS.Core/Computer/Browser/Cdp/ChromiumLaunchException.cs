namespace AgentOS.Computer.Browser.Cdp;

/// <summary>The browser could not be started, or exited before it answered on its DevTools pipe.</summary>
public sealed class ChromiumLaunchException : CdpException
{
    /// <summary>Creates the error; <paramref name="errorOutput"/> is the end of the browser's standard error.</summary>
    public ChromiumLaunchException(string message, string errorOutput = "", Exception? innerException = null)
        : base(errorOutput.Length == 0 ? message : $"{message} Its last output: {errorOutput}", innerException)
    {
        ErrorOutput = errorOutput;
    }

    /// <summary>The end of the browser's standard error, or empty.</summary>
    public string ErrorOutput { get; }
}
