using System.Text.Json;
using AgentOS.Access;
using AgentOS.Mcp.Protocol;
using AgentOS.Serialization;

namespace AgentOS.Hosting.Mcp;

/// <summary>
/// The kernel's approvals carried by MCP elicitation: when an irreversible tool call an MCP client made needs approval,
/// and that client offered elicitation, its user is asked (<c>elicitation/create</c>, on the call's own stream) — but
/// only when the session's principal holds the approve grant, since the answer is that principal's decision (the
/// audit names it). Every other approval goes to <see cref="Fallback"/> (the HTTP approvals endpoint's approver, or
/// deny-all), as does a session whose principal may not approve.
/// </summary>
internal sealed class McpElicitationApprover(IApprover fallback, Func<Principal, bool> mayApprove) : IApprover
{
    private static readonly JsonElement Schema = JsonElement.Parse("""{"type":"object","properties":{"approve":{"type":"boolean","title":"Approve","description":"Allow this irreversible operation once."}},"required":["approve"]}""");

    /// <summary>Who decides what no MCP client's user may decide.</summary>
    public IApprover Fallback { get; } = fallback;

    public async ValueTask<ApprovalResult> RequestAsync(ApprovalRequest request, CancellationToken cancellationToken = default)
    {
        var access = request.Request;
        // By the call's own id, never by (agent, tool): two identical calls in flight at once are two questions, each
        // asked on its own request's stream and withdrawn with its own cancellation. The id is checked against the
        // agent and tool too, since any agent may name its calls: a borrowed id must not reach another client's user.
        if (access.Resource != ResourceKind.Tool
            || McpToolCalls.Find(access.CallId) is not { } mcp
            || !string.Equals(mcp.Tool, access.Target, StringComparison.Ordinal)
            || !string.Equals(mcp.Session.AgentId, access.AgentId, StringComparison.Ordinal)
            || !mcp.Session.ClientElicits || !mayApprove(mcp.Session.Principal))
        {
            return await Fallback.RequestAsync(request, cancellationToken).ConfigureAwait(false);
        }
        string approver = mcp.Session.Principal.Name + " (MCP client " + (mcp.Session.ClientInfo?.Name ?? "unnamed") + ")";
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, mcp.CancellationToken);
        var answer = await mcp.Session.RequestAsync(mcp.Sink, McpMethods.ElicitationCreate,
            new ElicitRequestParams { Mode = "form", Message = $"Approval needed: {request.Describe()}. Approve it?", RequestedSchema = Schema },
            AgentOSJsonContext.Default.ElicitRequestParams, linked.Token).ConfigureAwait(false);
        var result = answer.Deserialize(AgentOSJsonContext.Default.ElicitResult);
        bool approved = result?.Action == ElicitActions.Accept
            && result.Content is { ValueKind: JsonValueKind.Object } content
            && content.TryGetProperty("approve"u8, out var yes) && yes.ValueKind == JsonValueKind.True;
        return approved
            ? ApprovalResult.Approve(approver, "approved by the MCP client's user")
            : ApprovalResult.Deny(approver, $"the MCP client's user answered '{result?.Action}' without approving");
    }
}
