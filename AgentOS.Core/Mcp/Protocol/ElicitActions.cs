namespace AgentOS.Mcp.Protocol;

/// <summary>The values of <see cref="ElicitResult.Action"/>.</summary>
public static class ElicitActions
{
    /// <summary>The user submitted the form.</summary>
    public const string Accept = "accept";

    /// <summary>The user said no.</summary>
    public const string Decline = "decline";

    /// <summary>The user dismissed the question without answering.</summary>
    public const string Cancel = "cancel";
}
