using AgentOS.Access;
using AgentOS.Hosting.Http.Transport;
using AgentOS.Kernel;
using AgentOS.Serialization;
using AgentOS.Syscalls;

namespace AgentOS.Hosting.Http;

// What an operator watches and changes on a running kernel (the dashboard's data, open to any client with the grants):
// per-queue statistics with last-minute percentiles, changing a queue's policy (admin), each agent's activity and
// budget use, stopping an agent's runs (act_for), the LLM backends, and undoing the Reactor's and the self-improving
// loop's changes (admin). Every change is written to the audit log, durably, before the answer.
public sealed partial class KernelHttpServer
{
    private static bool IsOperationsPath(string[] segments) => segments is
        ["v1", "queues", ..] or ["v1", "llm", "backends"] or ["v1", "agents", "activity"] or ["v1", "agents", _, "stop"]
        or ["v1", "reactor", "paused", _, "resume"] or ["v1", "evolution", "changes", _, "undo"]
        or ["v1", "sessions", _, "screenshot" or "terminal"] || IsEvolutionPath(segments);

    private async Task RouteOperationsAsync(Principal caller, HttpServerRequest request, HttpServerResponse response, string[] segments)
    {
        if (IsEvolutionPath(segments))
        {
            await RouteEvolutionAsync(caller, request, response, segments).ConfigureAwait(false); // KernelHttpServer.Evolution.cs
            return;
        }
        switch (request.HttpMethod, segments)
        {
            case ("GET", ["v1", "queues"]):
                await WriteAsync(response, 200, Queues(), AgentOSJsonContext.Default.IReadOnlyListQueueView).ConfigureAwait(false);
                return;
            case ("PUT", ["v1", "queues", var queue, "policy"]):
                await SetPolicyAsync(caller, request, response, Uri.UnescapeDataString(queue)).ConfigureAwait(false);
                return;
            case ("GET", ["v1", "agents", "activity"]):
                await WriteAsync(response, 200, Activity(caller), AgentOSJsonContext.Default.IReadOnlyListAgentActivity).ConfigureAwait(false);
                return;
            case ("POST", ["v1", "agents", var name, "stop"]):
                await StopAgentAsync(caller, response, Uri.UnescapeDataString(name)).ConfigureAwait(false);
                return;
            case ("GET", ["v1", "llm", "backends"]):
                RequireMonitor(caller, "see the LLM backends");
                await WriteAsync(response, 200, Backends(), AgentOSJsonContext.Default.IReadOnlyListLlmBackendView).ConfigureAwait(false);
                return;
            case ("POST", ["v1", "reactor", "paused", var agent, "resume"]):
                RequireOperator(caller, "resume an agent the Reactor paused");
                var reactor = _kernel.Reactor ?? throw new HttpError(404, "not_found", "The Reactor is off in this kernel (reactor.enabled in the config).");
                if (!reactor.Resume(Uri.UnescapeDataString(agent), caller.Name))
                {
                    throw new HttpError(404, "not_found", $"The Reactor has not paused '{AgentOS.Storage.StorageKey.Escape(Uri.UnescapeDataString(agent))}' (GET /v1/agents/activity shows who is paused).");
                }
                response.StatusCode = 204; // the Reactor audits the case as undone, naming the caller
                return;
            case ("POST", ["v1", "evolution", "changes", var version, "undo"]):
                await UndoEvolutionAsync(caller, response, version).ConfigureAwait(false);
                return;
            case ("GET", ["v1", "sessions", var session, "screenshot"]):
                await WriteScreenshotAsync(caller, response, Uri.UnescapeDataString(session)).ConfigureAwait(false); // KernelHttpServer.SessionViews.cs
                return;
            case ("GET", ["v1", "sessions", var session, "terminal"]):
                await WriteTerminalAsync(caller, response, Uri.UnescapeDataString(session)).ConfigureAwait(false);
                return;
            default:
                throw new HttpError(405, "method_not_allowed", $"{request.HttpMethod} is not allowed on {request.Url?.AbsolutePath}: GET /v1/queues, PUT /v1/queues/{{name}}/policy, GET /v1/agents/activity, POST /v1/agents/{{name}}/stop, GET /v1/llm/backends, POST /v1/reactor/paused/{{agent}}/resume, POST /v1/evolution/changes/{{version}}/undo, GET /v1/sessions/{{id}}/screenshot, GET /v1/sessions/{{id}}/terminal.");
        }
    }

    private List<QueueView> Queues()
    {
        var views = new List<QueueView>(AgentKernel.QueueNames.Count);
        foreach (var name in AgentKernel.QueueNames)
        {
            var s = _kernel.QueueStatistics(name);
            var (wait, service) = _activity.Percentiles(KindOf(name));
            views.Add(new QueueView(name, s.Policy, AgentKernel.PoliciesOf(name), s.Waiting, s.Running, s.Completed, s.Preemptions,
                s.Expired, s.DeadlinesMet, s.DeadlinesMissed, KernelActivity.Window.TotalSeconds, wait, service));
        }
        return views;
    }

    private static SyscallKind KindOf(string queue) => queue switch
    {
        "llm" => SyscallKind.Llm,
        "memory" => SyscallKind.Memory,
        "storage" => SyscallKind.Storage,
        _ => SyscallKind.Tool,
    };

    private static ResourceKind ResourceOf(string queue) => queue switch
    {
        "llm" => ResourceKind.Llm,
        "memory" => ResourceKind.Memory,
        "storage" => ResourceKind.Storage,
        _ => ResourceKind.Tool,
    };

    private async Task SetPolicyAsync(Principal caller, HttpServerRequest request, HttpServerResponse response, string queue)
    {
        RequireOperator(caller, "change a queue's scheduling policy");
        var body = await ReadAsync(request, AgentOSJsonContext.Default.QueuePolicyRequest).ConfigureAwait(false);
        if (!AgentKernel.QueueNames.Contains(queue))
        {
            throw new HttpError(404, "not_found", $"No queue is named '{AgentOS.Storage.StorageKey.Escape(queue)}'; the queues are {string.Join(", ", AgentKernel.QueueNames)}.");
        }
        string before = _kernel.SetQueuePolicy(queue, body.Policy ?? "");
        await AuditOperationAsync(caller, ResourceOf(queue), AccessOperation.Write, $"queue/{queue}/policy",
            $"policy of the {queue} queue changed from {before} to {body.Policy!.ToLowerInvariant()}").ConfigureAwait(false);
        await WriteAsync(response, 200, Queues().First(q => q.Name == queue), AgentOSJsonContext.Default.QueueView).ConfigureAwait(false);
    }

    private List<AgentActivity> Activity(Principal caller)
    {
        var paused = _kernel.Reactor?.Runaway.Paused ?? [];
        var list = new List<AgentActivity>();
        foreach (var agent in VisibleStatus(caller).Agents)
        {
            var (current, error) = _activity.Agent(agent.Name);
            list.Add(new AgentActivity(agent.Name, agent.Description, agent.Running, agent.Completed, agent.Failed,
                Access.GetUsage(agent.Name), paused.Contains(agent.Name), current, error));
        }
        return list;
    }

    private async Task StopAgentAsync(Principal caller, HttpServerResponse response, string agent)
    {
        RequireActFor(caller, agent, "the agent in the path");
        int stopped = _kernel.StopAgent(agent);
        await AuditOperationAsync(caller, ResourceKind.Llm, AccessOperation.Delete, $"agent/{agent}/runs", $"stopped {stopped} run(s) of agent {agent}", agent).ConfigureAwait(false);
        await WriteAsync(response, 200, new StopAgentResponse(agent, stopped), AgentOSJsonContext.Default.StopAgentResponse).ConfigureAwait(false);
    }

    private List<LlmBackendView> Backends()
    {
        var breaker = _kernel.Reactor?.Playbooks.OfType<AgentOS.Reactor.CircuitBreakerPlaybook>().FirstOrDefault();
        return [.. _kernel.Llm.Backends.Select(b =>
        {
            var limiter = _kernel.Llm.Limiter(b.Name);
            var engine = (b as AgentOS.Llm.Embedded.EmbeddedLlmBackend)?.Counters is { } c
                ? new EmbeddedEngineCounters(c.PrefillTokens, c.DecodeTokens, c.Steps, c.Snapshots, c.Restores)
                : null;
            return new LlmBackendView(b.Name, b.Slots, _kernel.Llm.IsDown(b.Name), _kernel.Llm.DownReason(b.Name), breaker?.IsOpen(b.Name) ?? false,
                limiter.CurrentWindow, limiter.HeldUntil, engine);
        })];
    }

    // Undoing a change of the self-improving loop pins each parameter it moved back to its value before: the loop
    // does not move it again until an operator unpins it (each pin is a versioned, audited change of its own).
    private async Task UndoEvolutionAsync(Principal caller, HttpServerResponse response, string versionText)
    {
        RequireOperator(caller, "undo a change of the self-improving loop");
        var loop = _kernel.Evolution ?? throw new HttpError(404, "not_found", "The self-improving loop is off in this kernel: start serve with --evolve, or set \"evolution\": {\"enabled\": true} in the config.");
        if (!long.TryParse(versionText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long version)
            || loop.History.FirstOrDefault(c => c.Version == version) is not { } change)
        {
            throw new HttpError(404, "not_found", $"The self-improving loop has no change '{versionText}' (GET /v1/status lists evolution.history).");
        }
        var moved = change.From.Parameters().Keys.Union(change.To.Parameters().Keys).Where(p => change.From.Get(p) != change.To.Get(p)).ToList();
        if (moved.Count == 0)
        {
            throw new HttpError(409, "invalid_request", $"Change {version} ({change.Kind}) moved no parameter: there is nothing to undo.");
        }
        foreach (var parameter in moved)
        {
            loop.Pin(parameter, change.From.Get(parameter));
        }
        await AuditOperationAsync(caller, ResourceKind.Llm, AccessOperation.Write, $"evolution/changes/{version}",
            $"undid change {version} ({change.Kind}): pinned {string.Join(", ", moved.Select(p => $"{p}={change.From.Get(p)}"))}").ConfigureAwait(false);
        await WriteAsync(response, 200, loop.History, AgentOSJsonContext.Default.IReadOnlyListEvolutionChange).ConfigureAwait(false);
    }

    // An operator's change, on the record before the answer: who, what, and (acting for an agent) for whom.
    private Task AuditOperationAsync(Principal caller, ResourceKind resource, AccessOperation operation, string target, string message, string? agent = null) =>
        _kernel.Audit.RecordDurableAsync(new AuditRecord(_kernel.Time.GetUtcNow(), agent ?? caller.Name, resource, operation, target,
            AuditDecision.Allowed, Message: message, Approver: caller.Name, ActedBy: agent is null || agent == caller.Name ? null : caller.Name));

    private static void RequireOperator(Principal principal, string what)
    {
        if (!principal.IsAdmin)
        {
            throw new HttpError(403, "permission_denied",
                $"'{principal.Name}' may not {what}: that needs the admin grant (the admin token serve prints, or a credentials-file entry with \"admin\": true).",
                grant: "admin");
        }
    }

    private void RequireMonitor(Principal principal, string what)
    {
        if (!Access.MayMonitor(principal))
        {
            throw new HttpError(403, "permission_denied",
                $"'{principal.Name}' may not {what}: that needs the monitor grant (a privilege group with \"monitor\": true, or an admin token).",
                grant: "monitor");
        }
    }
}
