using AgentOS.Storage;
using AgentOS.Access;

namespace AgentOS.Bench.Access;

/// <summary>
/// The obvious access check, for comparison: every check takes one lock, looks the agent up in a dictionary, its
/// grants up in hash sets and prefix lists, bumps plain counters (fixed windows, like the real one) and hands the
/// allowed decision to the same <see cref="AuditLog"/>. Same path validation and same audit queue as the real one,
/// so the comparison isolates the locking and the data layout.
/// </summary>
internal sealed class LockedAccessBaseline
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Agent> _agents = new(StringComparer.Ordinal);
    private readonly AuditLog _audit;
    private readonly long _windowTicks;
    private readonly DateTimeOffset _start = DateTimeOffset.UtcNow;

    public LockedAccessBaseline(AccessPolicy policy, AuditLog audit)
    {
        _audit = audit;
        _windowTicks = policy.BudgetWindow.Ticks;
        foreach (var identity in policy.Agents)
        {
            var agent = new Agent { Id = identity.Id, Namespace = "agents/" + identity.Id + "/" };
            foreach (var group in identity.Groups.Select(name => policy.FindGroup(name)!))
            {
                agent.Tools.UnionWith(group.Tools);
                agent.Backends.UnionWith(group.LlmBackends);
                agent.MemoryRead.UnionWith(group.MemoryRead);
                agent.StorageRead.AddRange(group.StorageRead);
                agent.StorageWrite.AddRange(group.StorageWrite);
                agent.CallsLimit = Math.Max(agent.CallsLimit, group.CallsPerWindow ?? int.MaxValue);
                agent.TokensLimit = Math.Max(agent.TokensLimit, group.TokensPerWindow ?? int.MaxValue);
                agent.MaxConcurrent = Math.Max(agent.MaxConcurrent, group.MaxConcurrent ?? int.MaxValue);
            }
            _agents.Add(identity.Id, agent);
        }
    }

    public bool Check(in AccessRequest request)
    {
        lock (_gate)
        {
            if (!_agents.TryGetValue(request.AgentId, out var agent))
            {
                return false;
            }
            string? target = request.Target;
            bool granted = request.Resource switch
            {
                ResourceKind.Tool => target is not null && agent.Tools.Contains(target),
                ResourceKind.Llm => target is not null && agent.Backends.Contains(target),
                ResourceKind.Memory => target is null || target == agent.Id || agent.MemoryRead.Contains(target),
                _ => target is not null && StoragePath.Validate(target) == StorageKeyError.None &&
                     (target.StartsWith(agent.Namespace, StringComparison.Ordinal) ||
                      StartsWithAny(target, request.Operation == AccessOperation.Read ? agent.StorageRead : agent.StorageWrite)),
            };
            if (!granted || agent.InFlight >= agent.MaxConcurrent)
            {
                return false;
            }
            var now = DateTimeOffset.UtcNow;
            long window = (now - _start).Ticks / _windowTicks;
            if (window != agent.Window)
            {
                agent.Window = window;
                agent.Calls = 0;
                agent.Tokens = 0;
            }
            if (agent.Calls + 1 > agent.CallsLimit || agent.Tokens + request.EstimatedTokens > agent.TokensLimit)
            {
                return false;
            }
            agent.Calls++;
            agent.Tokens += request.EstimatedTokens;
            agent.InFlight++;
            _audit.RecordAllowed(now, request.AgentId, request.Resource, request.Operation, target, request.EstimatedTokens);
            return true;
        }
    }

    public void Complete(in AccessRequest request, int tokensUsed)
    {
        lock (_gate)
        {
            if (_agents.TryGetValue(request.AgentId, out var agent))
            {
                agent.InFlight--;
                agent.Tokens += tokensUsed - request.EstimatedTokens;
            }
        }
    }

    private static bool StartsWithAny(string path, List<string> prefixes)
    {
        foreach (var prefix in prefixes)
        {
            if (path.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    private sealed class Agent
    {
        public string Id = "";
        public string Namespace = "";
        public readonly HashSet<string> Tools = new(StringComparer.Ordinal);
        public readonly HashSet<string> Backends = new(StringComparer.Ordinal);
        public readonly HashSet<string> MemoryRead = new(StringComparer.Ordinal);
        public readonly List<string> StorageRead = [];
        public readonly List<string> StorageWrite = [];
        public long CallsLimit;
        public long TokensLimit;
        public int MaxConcurrent;
        public long Window;
        public long Calls;
        public long Tokens;
        public int InFlight;
    }
}
