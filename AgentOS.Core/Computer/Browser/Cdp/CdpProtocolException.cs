namespace AgentOS.Computer.Browser.Cdp;

/// <summary>The browser answered a command with an error (an unknown method, a bad parameter, a node that is gone).</summary>
public sealed class CdpProtocolException : CdpException
{
    /// <summary>Creates the error for <paramref name="method"/>'s answer.</summary>
    public CdpProtocolException(string method, int code, string browserMessage, string? data = null)
        : base($"The browser refused '{method}' (error {code}): {browserMessage}{(data is null ? "" : $" ({data})")}. Check the method's name and parameters against the DevTools protocol of this browser version.")
    {
        Method = method;
        Code = code;
        BrowserMessage = browserMessage;
        Data = data;
    }

    /// <summary>The command that failed.</summary>
    public string Method { get; }

    /// <summary>The JSON-RPC error code the browser gave (-32601 unknown method, -32602 invalid parameters, -32000 a
    /// failure of the command itself).</summary>
    public int Code { get; }

    /// <summary>The browser's own message.</summary>
    public string BrowserMessage { get; }

    /// <summary>The browser's extra detail, when it gave one.</summary>
    public new string? Data { get; }
}
