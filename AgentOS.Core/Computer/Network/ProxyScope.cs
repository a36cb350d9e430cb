using System.Net;
using AgentOS.Access;
using AgentOS.Events;

namespace AgentOS.Computer.Network;

/// <summary>What a session's proxy acts within and reports to: whose session it is, the grant, the limits, the clock,
/// the resolver, the kernel's own endpoints, the bus and the audit log.</summary>
internal sealed class ProxyScope(string session, string agent, NetworkAllowList grant, NetworkOptions options, TimeProvider time,
    Func<string, CancellationToken, Task<IPAddress[]>> resolve, KernelEndpoints kernel, EventChannel<NetworkEvent>? events, AuditLog? audit)
{
    public string Session => session;

    public string Agent => agent;

    public NetworkAllowList Grant => grant;

    public NetworkOptions Options => options;

    public TimeProvider Time => time;

    public KernelEndpoints Kernel => kernel;

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => resolve(host, cancellationToken);

    /// <summary>Publishes the event and writes the audit record: allowed connections as allowed decisions, refusals and
    /// limits durably (as every denial is), closes on the bus only.</summary>
    public async Task RecordAsync(NetworkStage stage, string method, string host, int port, string? address, string? reason, long? bytes = null)
    {
        var at = time.GetUtcNow();
        events?.Publish(new NetworkEvent(session, agent, stage, at, method, host, port, address, reason, bytes));
        if (audit is null || stage == NetworkStage.Closed)
        {
            return;
        }
        string target = $"network:{host}:{port}";
        if (stage == NetworkStage.Allowed)
        {
            audit.RecordAllowed(at, agent, ResourceKind.Tool, AccessOperation.Call, target);
            return;
        }
        var why = stage == NetworkStage.LimitHit ? DenialReason.BudgetExceeded : DenialReason.NotGranted;
        await audit.RecordDurableAsync(new AuditRecord(at, agent, ResourceKind.Tool, AccessOperation.Call, target, AuditDecision.Denied, why,
            $"session {session}: {method} {host}:{port}{(address is null ? "" : $" ({address})")} refused: {reason}")).ConfigureAwait(false);
    }
}
