namespace AgentOS.Access;

/// <summary>Builds an <see cref="AccessPolicy"/> in code.</summary>
/// <example>
/// <code>
/// var policy = AccessPolicy.CreateBuilder()
///     .WithBudgetWindow(TimeSpan.FromMinutes(1))
///     .AddGroup("researchers", g => g.AllowTools("search").ReadStorage("shared/").UseLlm("*").LimitCalls(600))
///     .AddAgent("alice", "researchers")
///     .Build();
/// </code>
/// </example>
public sealed class AccessPolicyBuilder
{
    private readonly List<PrivilegeGroup> _groups = [];
    private readonly List<AgentIdentity> _agents = [];
    private TimeSpan _window = TimeSpan.FromMinutes(1);
    private TimeSpan _approvalTimeout = TimeSpan.FromMinutes(5);

    internal AccessPolicyBuilder()
    {
    }

    /// <summary>Sets the budget window (default one minute).</summary>
    public AccessPolicyBuilder WithBudgetWindow(TimeSpan window)
    {
        _window = window;
        return this;
    }

    /// <summary>Sets how long an approval may take before the request is denied (default five minutes).</summary>
    public AccessPolicyBuilder WithApprovalTimeout(TimeSpan timeout)
    {
        _approvalTimeout = timeout;
        return this;
    }

    /// <summary>Adds a privilege group configured by <paramref name="configure"/>.</summary>
    public AccessPolicyBuilder AddGroup(string name, Action<PrivilegeGroupBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = new PrivilegeGroupBuilder();
        configure(builder);
        _groups.Add(builder.Build(name));
        return this;
    }

    /// <summary>Adds a group built elsewhere (or loaded).</summary>
    public AccessPolicyBuilder AddGroup(PrivilegeGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        _groups.Add(group);
        return this;
    }

    /// <summary>Adds an agent to register when the manager starts.</summary>
    public AccessPolicyBuilder AddAgent(string id, params string[] groups)
    {
        _agents.Add(new AgentIdentity(id, groups));
        return this;
    }

    /// <summary>Builds and validates the policy.</summary>
    /// <exception cref="AccessPolicyException">The policy is inconsistent; the message says what to change.</exception>
    public AccessPolicy Build()
    {
        var policy = new AccessPolicy
        {
            Groups = [.. _groups],
            Agents = [.. _agents],
            BudgetWindow = _window,
            ApprovalTimeout = _approvalTimeout,
        };
        policy.Validate();
        return policy;
    }
}
