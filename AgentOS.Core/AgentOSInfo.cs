using System.Reflection;

namespace AgentOS;

/// <summary>Facts about this build of AgentOS.</summary>
public static class AgentOSInfo
{
    /// <summary>The product name, as printed by <c>--version</c>.</summary>
    public const string Name = "AgentOS";

    /// <summary>The informational version of this assembly (for example <c>0.1.0+abc1234</c>).</summary>
    public static string Version { get; } =
        typeof(AgentOSInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(AgentOSInfo).Assembly.GetName().Version?.ToString()
        ?? "unknown";
}
