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
    private readonly LlmCostEstimator _estimator;
    private readonly LengthDistributions<Syscall> _lengths;
    private readonly Lock _gate = new();
    private LlmQueueSettings _current;

    internal LlmQueueControl(ResourceQueue<Syscall> queue, LlmCostEstimator estimator, LlmQueueSettings initial)
    {
        _queue = queue;
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

    /// <summary>The name of the policy the queue runs now (it follows an <see cref="Apply"/> once the dispatcher took it).</summary>
    public string RunningPolicy => _queue.Statistics.Policy;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The settings are invalid (nothing changes).</exception>
    public void Apply(LlmQueueSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var policy = settings.CreatePolicy<Syscall>(_estimator, _lengths);
        lock (_gate)
        {
            _estimator.Learned.SkillThreshold = settings.SkillThreshold;
            _queue.SwapPolicy(policy);
            _current = settings;
        }
    }
}
