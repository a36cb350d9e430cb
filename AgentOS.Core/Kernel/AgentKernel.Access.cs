using AgentOS.Access;

namespace AgentOS.Kernel;

// The default access policy, for kernels built without one.
public sealed partial class AgentKernel
{
    /// <summary>The group agents join when registered without groups.</summary>
    public const string DefaultGroup = "agents";

    private static AccessPolicy DefaultAccessPolicy() => new();
}
