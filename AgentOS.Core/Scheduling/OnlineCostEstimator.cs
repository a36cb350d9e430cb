namespace AgentOS.Scheduling;

/// <summary>
/// A cost estimator that learns online from the costs items really had, per (agent, call site) — for the LLM queue,
/// output tokens per place in an agent's code that asks — and measures its own skill as it goes: the rank concordance
/// (<see cref="RankConcordance"/>) between what it estimated for each finished item and what the item really cost.
/// While it has no skill its estimate is the same for every item, so shortest-job-first keeps arrival order (FIFO)
/// instead of sorting on noise.
/// </summary>
/// <remarks>
/// <para>An estimate is a geometric mean of costs (the median of a log-normal, the shape agents' output lengths
/// take), shrunk level by level: the (agent, call site) pair's mean of log costs is pulled towards the call site's
/// across agents (the same code in another agent), and that towards everything's, each level's weight being its
/// sample count against <see cref="PriorWeight"/> pseudo-samples of the level above — so a pair seen twice leans on
/// its call site, and one seen fifty times speaks for itself. Recent samples weigh more once a key has
/// <see cref="MemorySamples"/> of them, so estimates follow drift.</para>
/// <para>Skill: before learning from a finished item (one in <c>skillStride</c>, drawn at random), the estimator scores the estimate it
/// would have made against the true cost. It has skill when the window holds <see cref="MinSkillSamples"/> pairs and their concordance reaches
/// <see cref="SkillThreshold"/>. On a raw trace (one call site, lengths unrelated to anything known) the
/// concordance hovers near 0 and the queue runs FIFO; on agents whose call sites differ it climbs quickly.</para>
/// <para>Thread-safe: the dispatcher estimates while managers report finished items.</para>
/// </remarks>
/// <typeparam name="T">The scheduled item.</typeparam>
public sealed class OnlineCostEstimator<T> : ICostEstimator<T> where T : ISchedulable
{
    /// <summary>How many samples' worth the level above counts for when a level's mean is shrunk towards it.</summary>
    public const double PriorWeight = 4;

    /// <summary>Samples after which a key's mean becomes an exponential moving average.</summary>
    public const int MemorySamples = 64;

    private readonly Func<T, (string Agent, string Site)> _key;
    private readonly Lock _gate = new();
    // By call site, then by agent: ordinal string keys hash with the runtime's fast non-randomized comparer (a tuple
    // key hashes both strings with Marvin), and learning from an item finds its site once for scoring and updating.
    private readonly Dictionary<string, Site> _sites = new(StringComparer.Ordinal);
    private readonly RankConcordance _skill;
    private readonly int _stride;
    private LogMean _all;
    private uint _sampler = 2_463_534_242;
    private bool _hasSkill;

    /// <summary>Creates an estimator.</summary>
    /// <param name="key">The item's agent and call site.</param>
    /// <param name="fallBackWhenNoSkill">Give every item the same estimate while the estimator has no skill (default).
    /// Without it, estimates are used whatever their skill (to measure what sorting on noise costs).</param>
    /// <param name="skillWindow">How many scored items the skill is measured on.</param>
    /// <param name="skillStride">Score one finished item in this many: a score costs a comparison with every pair in the
    /// window, and on a backend that answers in microseconds that would dominate the syscall (default 4: about 60
    /// comparisons per item on average).</param>
    public OnlineCostEstimator(Func<T, (string Agent, string Site)> key, bool fallBackWhenNoSkill = true, int skillWindow = 128, int skillStride = 4)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(skillStride, 1);
        _stride = skillStride;
        ArgumentNullException.ThrowIfNull(key);
        _key = key;
        FallBackWhenNoSkill = fallBackWhenNoSkill;
        _skill = new RankConcordance(skillWindow);
    }

    /// <summary>Whether every item gets the same estimate while there is no skill.</summary>
    public bool FallBackWhenNoSkill { get; }

    /// <summary>Pairs needed in the window before skill can be claimed. Default 32.</summary>
    public int MinSkillSamples { get; init; } = 32;

    /// <summary>The concordance that counts as skill. Default 0.2 (noise on 128 pairs has a standard deviation of about
    /// 0.06). Settable while the queue runs (the self-improving loop tunes it); it takes effect at the next finished item.</summary>
    public double SkillThreshold { get; set; } = 0.2;

    /// <summary>The current rank concordance of estimates with true costs (−1..1).</summary>
    public double Skill
    {
        get
        {
            lock (_gate)
            {
                return _skill.Tau;
            }
        }
    }

    /// <summary>Whether the estimates currently rank true costs well enough to sort on.</summary>
    public bool HasSkill => Volatile.Read(ref _hasSkill);

    /// <summary>Finished items learned from.</summary>
    public long Observations
    {
        get
        {
            lock (_gate)
            {
                return _all.Count;
            }
        }
    }

    /// <inheritdoc />
    public double Estimate(T item)
    {
        // Without skill every item gets the same figure, so the policy's arrival tie-break decides: FIFO. It must be a
        // constant, not the running mean: a key is fixed when an item is queued, and a mean that moves as calls finish
        // would let later items overtake earlier ones. Zero also lets items queued before the estimator has skill go
        // ahead of the learned estimates that follow (they are the older ones).
        if (FallBackWhenNoSkill && !Volatile.Read(ref _hasSkill))
        {
            return 0;
        }
        var key = _key(item);
        lock (_gate)
        {
            return Learned(key.Agent, key.Site);
        }
    }

    /// <summary>The estimate for an (agent, call site) whatever the skill.</summary>
    public double EstimateFor(string agent, string site)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(site);
        lock (_gate)
        {
            return Learned(agent, site);
        }
    }

    // A finished item's key and cost, as every learner of costs takes them.
    internal static void CheckSample(string agent, string site, double actual)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(site);
        if (!double.IsFinite(actual) || actual < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(actual), actual, "A cost is a finite number of units, zero or more.");
        }
    }

    /// <summary>Learns the true cost of a finished item of (<paramref name="agent"/>, <paramref name="site"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="actual"/> is negative or not finite.</exception>
    public void Observe(string agent, string site, double actual)
    {
        CheckSample(agent, site, actual);
        lock (_gate)
        {
            ref var bySite = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_sites, site, out bool seen);
            bySite ??= new Site();
            ref var pair = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(bySite.Agents, agent, out bool pairSeen);
            if (_all.Count > 0 && Sampled())
            {
                // The estimate before this sample: what Learned(agent, site) gives, from the entries found above.
                _skill.Add(Learned(seen ? bySite : null, pairSeen ? pair : null), actual);
                Volatile.Write(ref _hasSkill, _skill.Count >= MinSkillSamples && _skill.Tau >= SkillThreshold);
            }
            double log = Math.Log(actual + 1);
            pair.Add(log);
            bySite.Mean.Add(log);
            _all.Add(log);
        }
    }

    /// <summary>Learns the true cost of a finished item.</summary>
    public void Observe(T item, double actual)
    {
        var key = _key(item);
        Observe(key.Agent, key.Site, actual);
    }

    // One item in _stride, drawn at random (xorshift, fixed seed: runs repeat) rather than every _stride-th, which
    // would alias with a workload that cycles through its call sites.
    private bool Sampled()
    {
        uint x = _sampler;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        _sampler = x;
        return x % (uint)_stride == 0;
    }

    // Every item alike: the global typical cost (0 before anything finished), so the policy's tie-break (arrival) rules.

    private double Learned(string agent, string site)
    {
        var bySite = _sites.GetValueOrDefault(site);
        return Learned(bySite, bySite is not null && bySite.Agents.TryGetValue(agent, out var pair) ? pair : null);
    }

    private double Learned(Site? bySite, LogMean? pair)
    {
        if (_all.Count == 0)
        {
            return 0;
        }
        double log = _all.Mean;
        if (bySite is not null)
        {
            log = bySite.Mean.Shrunk(log);
        }
        if (pair is { } known)
        {
            log = known.Shrunk(log);
        }
        return Math.Exp(log) - 1;
    }

    // A call site's mean across agents, and each agent's at that site.
    private sealed class Site
    {
        public LogMean Mean;
        public readonly Dictionary<string, LogMean> Agents = new(StringComparer.Ordinal);
    }

    // A mean of log(cost + 1): a plain mean for the first MemorySamples, then an exponential moving average.
    private struct LogMean
    {
        public long Count;
        private double _mean;

        public readonly double Mean => _mean;

        public readonly double Value => Math.Exp(_mean) - 1;

        // This level's mean pulled towards the level above's, by sample count against the prior's weight.
        public readonly double Shrunk(double prior)
        {
            double weight = Math.Min(Count, MemorySamples);
            return (weight * _mean + PriorWeight * prior) / (weight + PriorWeight);
        }

        public void Add(double log)
        {
            Count++;
            _mean += (log - _mean) / Math.Min(Count, MemorySamples);
        }
    }
}
