using AgentOS.Access;

namespace AgentOS.Kernel;

// The default access policy, for kernels built without one.
public sealed partial class AgentKernel
{
    /// <summary>The group agents join when registered without groups.</summary>
    public const string DefaultGroup = "agents";

    // Every agent may call every tool and LLM backend; storage and memory stay private to each agent (its own
    // namespace and memory are always granted). No budgets: set them in a policy of your own.
    private static AccessPolicy DefaultAccessPolicy() =>
        AccessPolicy.CreateBuilder()
            .AddGroup(DefaultGroup, group => group.AllowTools(PrivilegeGroup.Everything).UseLlm(PrivilegeGroup.Everything))
            .Build();
}
