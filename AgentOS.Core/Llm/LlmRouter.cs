using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Llm;

/// <summary>
/// The kernel's LLM backends: which one an LLM syscall runs on, which are marked down, and each one's rate limiter.
/// </summary>
/// <remarks>
/// <para>Routing: a query naming a backend goes to it; naming a model, to the backends that list the model; naming
/// neither, to the default (the first configured) and then the others, in order. Among those, only backends that
/// declare what the query needs (tool calls when it offers tools, JSON output when it asks for JSON) qualify, and
/// the first that is up and that the agent may use wins. So when a backend is marked down, its queries fail over to
/// the next qualifying backend — for a backend named outright, to one that serves one of its models.</para>
/// <para>Marking down and up is the mechanism; the Reactor decides when. A query already queued for a backend that is
/// then marked down fails with <see cref="BackendFailedException"/> when it would run (at once: a down backend's
/// queue is not held), and can be resubmitted; with the Reactor's failover on, the kernel moves it to another backend
/// that serves its model instead.</para>
/// </remarks>
public sealed partial class LlmRouter
{
    private readonly ILlmBackend[] _backends;
    private readonly Dictionary<string, ILlmBackend> _byName;
    private readonly Dictionary<string, LlmRateLimiter> _limiters;
    private readonly Lock _downGate = new();
    // The backends marked down, with their reasons: copied on write (marking is rare) and null while none is down, so
    // every syscall's routing check is one volatile read. (ConcurrentDictionary.IsEmpty takes every bucket lock when
    // the dictionary is empty, which serialized all agents' submissions on it.)
    private Dictionary<string, string>? _down;

    /// <summary>Creates the router over <paramref name="backends"/> (the first is the default).</summary>
    /// <param name="backends">The backends, uniquely named.</param>
    /// <param name="limits">Rate limits by backend name (absent: unlimited, Retry-After holds still apply).</param>
    /// <param name="time">The clock of the limiters.</param>
    /// <exception cref="ArgumentException">No backends, a name used twice, or limits for an unknown backend.</exception>
    public LlmRouter(IReadOnlyList<ILlmBackend> backends, IReadOnlyDictionary<string, LlmRateLimits>? limits = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(backends);
        if (backends.Count == 0)
        {
            throw new ArgumentException("The kernel needs at least one LLM backend.", nameof(backends));
        }
        _backends = [.. backends];
        _byName = new Dictionary<string, ILlmBackend>(StringComparer.Ordinal);
        foreach (var backend in _backends)
        {
            if (!_byName.TryAdd(backend.Name, backend))
            {
                throw new ArgumentException($"Two LLM backends are named '{backend.Name}'; give each a unique name.", nameof(backends));
            }
        }
        foreach (var name in limits?.Keys ?? [])
        {
            if (!_byName.ContainsKey(name))
            {
                throw new ArgumentException($"Rate limits are set for LLM backend '{name}', which is not configured.", nameof(limits));
            }
        }
        var clock = time ?? TimeProvider.System;
        _limiters = _backends.ToDictionary(b => b.Name, b => new LlmRateLimiter(limits?.GetValueOrDefault(b.Name), clock), StringComparer.Ordinal);
    }

    /// <summary>The backends, default first.</summary>
    public IReadOnlyList<ILlmBackend> Backends => _backends;

    /// <summary>The default backend (the first configured).</summary>
    public ILlmBackend Default => _backends[0];

    /// <summary>Whether an agent may use a backend (set by the kernel from its access policy); routing prefers
    /// backends the agent may use. Arguments: agent id, backend name.</summary>
    internal Func<string, string, bool>? MayUse { get; set; }

    /// <summary>The backend with this name.</summary>
    /// <exception cref="InvalidRequestException">No backend has the name.</exception>
    public ILlmBackend Get(string name) =>
        _byName.TryGetValue(name, out var backend) ? backend
        : throw new InvalidRequestException($"No LLM backend is named '{name}'. Configured: {string.Join(", ", _byName.Keys)}.");

    /// <summary>The rate limiter of the named backend.</summary>
    public LlmRateLimiter Limiter(string name) => _limiters.TryGetValue(name, out var limiter) ? limiter : throw new InvalidRequestException($"No LLM backend is named '{name}'.");

    /// <summary>Stops routing new queries to the backend (with the reason shown in errors) until <see cref="MarkUp"/>.</summary>
    public void MarkDown(string name, string reason = "marked down")
    {
        Get(name);
        lock (_downGate)
        {
            var next = _down is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(_down, StringComparer.Ordinal);
            next[name] = reason;
            Volatile.Write(ref _down, next);
        }
    }

    /// <summary>Routes queries to the backend again.</summary>
    public void MarkUp(string name)
    {
        Get(name);
        lock (_downGate)
        {
            if (_down is null || !_down.ContainsKey(name))
            {
                return;
            }
            var next = new Dictionary<string, string>(_down, StringComparer.Ordinal);
            next.Remove(name);
            Volatile.Write(ref _down, next.Count == 0 ? null : next);
        }
    }

    /// <summary>Why the backend is marked down, or <see langword="null"/> while it is up.</summary>
    public string? DownReason(string name) => Volatile.Read(ref _down) is { } down && down.TryGetValue(name, out var reason) ? reason : null;

    /// <summary>Whether the backend is marked down.</summary>
    public bool IsDown(string name) => Volatile.Read(ref _down) is { } down && down.ContainsKey(name);

    /// <summary>Whether routing passes over a backend held by a Retry-After for another qualifying backend that is
    /// up and not held (set by the Reactor's failover playbook; off, a held backend's syscalls wait out the hold).</summary>
    internal bool RouteAroundHolds { get; set; }

    /// <summary>Whether a Retry-After holds the backend now.</summary>
    internal bool IsHeld(string name) => _limiters.TryGetValue(name, out var limiter) && limiter.IsHeld;

    /// <summary>Another backend than <paramref name="except"/> that serves the query's model for the agent and is up
    /// and not held by a Retry-After, or <see langword="null"/>: where the Reactor moves a syscall that failed on
    /// <paramref name="except"/> at once instead of waiting out its backoff there.</summary>
    internal ILlmBackend? Alternative(LlmQuery query, string agentId, string except)
    {
        var failed = _byName.GetValueOrDefault(except);
        foreach (var backend in _backends)
        {
            if (backend == failed || !Qualifies(backend, query) || !Allowed(backend, agentId) || IsDown(backend.Name) || IsHeld(backend.Name))
            {
                continue;
            }
            // It must serve what the query asked for: the model named, or one of the failed backend's models.
            if (query.Backend is null || backend.Models.Contains(query.Backend, StringComparer.Ordinal) || (failed is not null && Serves(backend, except, failed)))
            {
                return backend;
            }
        }
        return null;
    }

    /// <summary>The backend the query runs on, for <paramref name="agentId"/> (see the class remarks).</summary>
    /// <exception cref="InvalidRequestException">No backend has the name, or serves the model, the query names.</exception>
    /// <exception cref="CapabilityNotSupportedException">None of those declares what the query needs.</exception>
    /// <exception cref="BackendFailedException">Every qualifying backend the agent may use is marked down.</exception>
    public ILlmBackend Route(LlmQuery query, string? agentId = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        string? wanted = query.Backend;
        ILlmBackend? named = wanted is not null && _byName.TryGetValue(wanted, out var exact) ? exact : null;
        var scan = new Scan();
        if (named is not null && Try(named, query, agentId, ref scan))
        {
            return named;
        }
        if (wanted is null && Volatile.Read(ref _weights) is { } weights && PickWeighted(weights, query, agentId) is { } weighted)
        {
            return weighted; // LlmRouter.Weights.cs
        }
        foreach (var backend in _backends)
        {
            if (backend == named || !Serves(backend, wanted, named))
            {
                continue;
            }
            if (Try(backend, query, agentId, ref scan))
            {
                return backend;
            }
        }
        if (scan.FirstHeld is { } held)
        {
            return held; // every qualifying backend that is up is held: wait out the first one's hold, as without the Reactor
        }
        return scan.FirstQualified is { } denied && !scan.AllowedButDown
            ? denied // the agent may use none of them: the access check says so
            : throw Unroutable(query, named, scan);
    }

    /// <summary>The backend that embeds for <paramref name="agentId"/>: the first up, permitted backend that declares
    /// embeddings (and serves <paramref name="backendOrModel"/> when given).</summary>
    /// <exception cref="CapabilityNotSupportedException">No such backend.</exception>
    public ILlmBackend RouteEmbeddings(string? backendOrModel = null, string? agentId = null)
    {
        foreach (var backend in _backends)
        {
            if (backend.Capabilities.Embeddings && !IsDown(backend.Name) && Allowed(backend, agentId)
                && (backendOrModel is null || backend.Name == backendOrModel || backend.Models.Contains(backendOrModel, StringComparer.Ordinal)))
            {
                return backend;
            }
        }
        throw new CapabilityNotSupportedException($"No LLM backend that is up{(agentId is null ? "" : $" and that agent '{agentId}' may use")} declares embeddings{(backendOrModel is null ? "" : $" for '{backendOrModel}'")}. Configure one, such as an openai backend with an embedding_model.");
    }

    private bool Try(ILlmBackend backend, LlmQuery query, string? agentId, ref Scan scan)
    {
        scan.Served = true;
        if (!Qualifies(backend, query))
        {
            return false;
        }
        scan.FirstQualified ??= backend;
        if (!Allowed(backend, agentId))
        {
            return false;
        }
        if (IsDown(backend.Name))
        {
            scan.AllowedButDown = true;
            scan.FirstDown ??= backend;
            return false;
        }
        if (RouteAroundHolds && IsHeld(backend.Name))
        {
            scan.FirstHeld ??= backend;
            return false;
        }
        return true;
    }

    private bool Allowed(ILlmBackend backend, string? agentId) => agentId is null || MayUse is null || MayUse(agentId, backend.Name);

    private static bool Serves(ILlmBackend backend, string? wanted, ILlmBackend? named)
    {
        if (wanted is null)
        {
            return true;
        }
        if (named is null)
        {
            return backend.Models.Contains(wanted, StringComparer.Ordinal);
        }
        foreach (var model in named.Models)
        {
            if (backend.Models.Contains(model, StringComparer.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    private static bool Qualifies(ILlmBackend backend, LlmQuery query) =>
        (query.Tools is not { Count: > 0 } || backend.Capabilities.ToolCalls) && (!query.JsonOutput || backend.Capabilities.JsonOutput);

    private Exception Unroutable(LlmQuery query, ILlmBackend? named, Scan scan)
    {
        string target = query.Backend is null ? "the query" : $"'{query.Backend}'";
        if (!scan.Served)
        {
            return new InvalidRequestException($"No LLM backend is named {target} or lists it among its models. Configured: {string.Join(", ", _backends.Select(b => b.Models.Count == 0 ? b.Name : $"{b.Name} ({string.Join(", ", b.Models)})"))}.");
        }
        if (scan.FirstQualified is null)
        {
            var needs = new List<string>();
            if (query.Tools is { Count: > 0 }) { needs.Add("tool calls"); }
            if (query.JsonOutput) { needs.Add("JSON output"); }
            return new CapabilityNotSupportedException($"No LLM backend for {target} declares {string.Join(" and ", needs)}{(named is null ? "" : $" ('{named.Name}' declares: {named.Capabilities})")}. Configure one that does, or drop the requirement.");
        }
        var down = scan.FirstDown!;
        return new BackendFailedException($"The LLM backend '{down.Name}' is down ({Volatile.Read(ref _down)?.GetValueOrDefault(down.Name) ?? "marked down"}) and no other backend the agent may use serves {target}. Wait until it is marked up, or configure another backend for its models.");
    }

    private struct Scan
    {
        public bool Served;
        public bool AllowedButDown;
        public ILlmBackend? FirstQualified;
        public ILlmBackend? FirstDown;
        public ILlmBackend? FirstHeld;
    }
}
