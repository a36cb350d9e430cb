using AgentOS.Syscalls.Queries;

namespace AgentOS.Llm;

// Routing weights (set by the LLM queue's settings, which the self-improving loop tunes): a call naming no backend or
// model goes to one of the qualifying, permitted, up backends with a weight above zero, in proportion to the weights,
// by smooth weighted round robin (deterministic: over any run of calls each backend's share is within one call of
// its weight's share). When none of them can take it, routing falls back to the configured order.
public sealed partial class LlmRouter
{
    private WeightedRoutes? _weights;

    /// <summary>The routing weights by backend name (<see langword="null"/>: calls naming no backend go to the first
    /// qualifying backend, in configured order).</summary>
    /// <exception cref="ArgumentException">A weight names a backend that is not configured or is not a finite number of
    /// 0 or more (nothing changes).</exception>
    public IReadOnlyDictionary<string, double>? RoutingWeights
    {
        get => Volatile.Read(ref _weights)?.Weights;
        set
        {
            if (value is null || value.Count == 0)
            {
                Volatile.Write(ref _weights, null);
                return;
            }
            foreach (var (name, weight) in value)
            {
                if (!_byName.ContainsKey(name))
                {
                    throw new ArgumentException($"A routing weight names LLM backend '{name}', which is not configured. Configured: {string.Join(", ", _byName.Keys)}.", nameof(value));
                }
                if (!(weight >= 0 && double.IsFinite(weight)))
                {
                    throw new ArgumentException($"The routing weight of '{name}' must be a finite number of 0 or more, not {weight}.", nameof(value));
                }
            }
            Volatile.Write(ref _weights, new WeightedRoutes(new Dictionary<string, double>(value, StringComparer.Ordinal), [.. _backends.Where(b => value.GetValueOrDefault(b.Name) > 0)]));
        }
    }

    private ILlmBackend? PickWeighted(WeightedRoutes routes, LlmQuery query, string? agentId)
    {
        Span<bool> eligible = stackalloc bool[routes.Backends.Length];
        bool any = false;
        for (int i = 0; i < routes.Backends.Length; i++)
        {
            var backend = routes.Backends[i];
            eligible[i] = Qualifies(backend, query) && Allowed(backend, agentId) && !IsDown(backend.Name);
            any |= eligible[i];
        }
        return any ? routes.Next(eligible) : null;
    }

    private sealed class WeightedRoutes(IReadOnlyDictionary<string, double> weights, ILlmBackend[] backends)
    {
        private readonly double[] _current = new double[backends.Length];
        private readonly Lock _gate = new();

        public IReadOnlyDictionary<string, double> Weights { get; } = weights;

        public ILlmBackend[] Backends { get; } = backends;

        // Smooth weighted round robin over the eligible backends: each gains its weight, the largest is chosen and
        // pays back the eligible total.
        public ILlmBackend Next(ReadOnlySpan<bool> eligible)
        {
            lock (_gate)
            {
                int best = -1;
                double total = 0;
                for (int i = 0; i < Backends.Length; i++)
                {
                    if (!eligible[i])
                    {
                        continue;
                    }
                    double weight = Weights[Backends[i].Name];
                    total += weight;
                    _current[i] += weight;
                    if (best < 0 || _current[i] > _current[best])
                    {
                        best = i;
                    }
                }
                _current[best] -= total;
                return Backends[best];
            }
        }
    }
}
