using AgentOS.Scheduling;
using AgentOS.Syscalls;

namespace AgentOS.Llm;

/// <summary>
/// The LLM queue's public face for changing its policy and parameters while it runs (the self-improving loop, an
/// operator): reads the settings in force and applies new ones by swapping the queue's policy — waiting calls move
/// to the new policy, none lost, running calls unaffected — built on the kernel's own learned lengths.
/// </summary>
/// <remarks>Applying a settings value twice gives the same policy: a rollback that applies the previous value
/// restores the previous configuration exactly.</remarks>
public sealed class LlmQueueControl : ILlmQueueTarget
{
    private readonly ResourceQueue<Syscall> _queue;
    private readonly LlmRouter _router;
    private readonly LlmCostEstimator _estimator;
    private readonly LengthDistributions<Syscall> _lengths;
    private readonly Lock _gate = new();
    private LlmQueueSettings _current;

    internal LlmQueueControl(ResourceQueue<Syscall> queue, LlmRouter router, LlmCostEstimator estimator, LlmQueueSettings initial)
    {
        _queue = queue;
        _router = router;
        _estimator = estimator;
        _lengths = estimator.LearnLengths();
        _current = initial;
        _estimator.Learned.SkillThreshold = initial.SkillThreshold;
    }

    /// <inheritdoc />
    public LlmQueueSettings Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, int> Backends => _router.Backends.ToDictionary(b => b.Name, b => b.Slots, StringComparer.Ordinal);

    /// <summary>The name of the policy the queue runs now (it follows an <see cref="Apply"/> once the dispatcher took it).</summary>
    public string RunningPolicy => _queue.Statistics.Policy;

    /// <inheritdoc />
    /// <remarks>Slots per backend: a backend not listed in <see cref="LlmQueueSettings.BackendSlots"/> gets its
    /// declared slots back, so applying a value sets every backend's limit, not only those it lists.</remarks>
    /// <exception cref="ArgumentException">The settings are invalid, or name a backend that is not configured or more
    /// slots than it declares (nothing changes).</exception>
    public void Apply(LlmQueueSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var backends = Backends;
        foreach (var (name, slots) in settings.BackendSlots ?? new Dictionary<string, int>())
        {
            if (!backends.TryGetValue(name, out int declared) || slots > declared)
            {
                throw new ArgumentException(declared == 0
                    ? $"slots.{name} names an LLM backend that is not configured. Configured: {string.Join(", ", backends.Keys)}."
                    : $"slots.{name} may be 1 to {declared} (the slots the backend declares), not {slots}.", nameof(settings));
            }
        }
        var policy = settings.CreatePolicy<Syscall>(_estimator, _lengths);
        lock (_gate)
        {
            _router.RoutingWeights = settings.RoutingWeights; // validates the names first: throws before anything changed
            _estimator.Learned.SkillThreshold = settings.SkillThreshold;
            foreach (var (name, declared) in backends)
            {
                _queue.SetConcurrencyLimit(name, settings.BackendSlots?.GetValueOrDefault(name) is int limit and > 0 ? limit : declared);
            }
            _queue.SwapPolicy(policy);
            _current = settings;
        }
    }
}
