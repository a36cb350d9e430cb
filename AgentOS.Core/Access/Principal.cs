namespace AgentOS.Access;

/// <summary>
/// Who a request comes from, once a credential has been checked: an agent identity, or an administrator who holds
/// every grant (acting for any agent, approving, monitoring). Requests act as their principal: a body's
/// <c>agent_id</c> must be the principal's own unless its grants let it act for that agent.
/// </summary>
/// <param name="Name">The identity's name: an agent id for an agent's credential, or the administrator's name.</param>
/// <param name="IsAdmin">Holds every grant, whatever the access policy says.</param>
public sealed record Principal(string Name, bool IsAdmin = false)
{
    /// <summary>The name of the administrator <c>serve</c> creates (and of <c>--token</c>'s credential).</summary>
    public const string AdminName = "admin";

    /// <summary>The principal of a request to a kernel that runs without authentication (an explicit, loudly reported
    /// choice): it holds every grant, as every caller did before credentials existed.</summary>
    public static Principal Anonymous { get; } = new("anonymous", IsAdmin: true);
}
