using AgentOS.Access;
using AgentOS.Kernel;
using AgentOS.Hosting.Http.Transport;

namespace AgentOS.Hosting.Http;

// Identity on every endpoint: each request authenticates through the one credential table and acts as that
// principal. A body's agent_id must be the principal's own unless it holds act_for; deciding approvals needs approve;
// seeing other agents' status and events needs monitor (or act_for them).
public sealed partial class KernelHttpServer
{
    /// <summary>How this server authenticates: its credential table and whether it runs open.</summary>
    public HttpAuthenticator Authenticator => _authenticator;

    // OpenAI's clients expect "invalid_api_key" where the native API says "unauthorized".
    private Principal Authenticate(HttpServerRequest request, HttpServerResponse response, string code = "unauthorized")
    {
        var result = _authenticator.Authenticate(AuthorizationOf(request)); // the header, or the dashboard's cookie
        if (result.Principal is { } principal)
        {
            return principal;
        }
        response.AddHeader("WWW-Authenticate", result.Failure == AuthenticationFailure.Missing
            ? "Bearer realm=\"agentos\""
            : "Bearer realm=\"agentos\", error=\"invalid_token\"");
        throw new HttpError(401, code, result.Describe());
    }

    private AccessManager Access => _kernel.AccessManager;

    // The agent a request acts as must be the caller, or one the caller may act for; the syscall then carries who
    // really asked, for the audit.
    private void RequireActFor(Principal principal, string? agentId, string field)
    {
        if (string.IsNullOrEmpty(agentId))
        {
            throw new HttpError(400, "invalid_request", $"'{field}' is required: name the agent the request acts as.");
        }
        if (!Access.MayActFor(principal, agentId))
        {
            throw new HttpError(403, "permission_denied",
                $"'{principal.Name}' may not act for agent '{AgentOS.Storage.StorageKey.Escape(agentId)}' ({field}): send requests as '{principal.Name}', use that agent's own credential, or grant '{principal.Name}' act_for in a privilege group of the access policy.",
                grant: "act_for");
        }
    }

    private void RequireApprove(Principal principal)
    {
        if (!Access.MayApprove(principal))
        {
            throw new HttpError(403, "permission_denied",
                $"'{principal.Name}' may not decide approvals: that needs the approve grant (a privilege group with \"approve\": true, or an admin token).",
                grant: "approve");
        }
    }

    private bool MaySee(Principal principal, bool monitor, string agentId) => monitor || Access.MayActFor(principal, agentId);

    // The status as the caller may see it: only its own agents (and those it may act for) unless it may monitor.
    private KernelStatus VisibleStatus(Principal principal)
    {
        var status = _kernel.Status;
        bool monitor = Access.MayMonitor(principal);
        if (!monitor)
        {
            status = status with
            {
                Agents = [.. status.Agents.Where(a => MaySee(principal, monitor, a.Name))],
                Memory = status.Memory with { Agents = [.. status.Memory.Agents.Where(a => MaySee(principal, monitor, a.Agent))] },
                Computer = status.Computer is { } computer ? computer with { Sessions = [.. computer.Sessions.Where(s => MaySee(principal, monitor, s.Agent))] } : null,
            };
        }
        return status with { Authentication = _authenticator.Description, Caller = principal.Name };
    }
}
