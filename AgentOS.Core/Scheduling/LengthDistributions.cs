namespace AgentOS.Scheduling;

/// <summary>
/// Learns service distributions online per (agent, call site) — for the LLM queue, output tokens — from the costs
/// finished items really had, keeping the most recent <see cref="SamplesPerKey"/> of each key so it follows drift.
/// An item's distribution is its pair's once that has <see cref="MinSamples"/> samples, else its call site's across
/// agents, else everything's: the same back-off as <see cref="OnlineCostEstimator{T}"/>, but whole distributions, so a
/// Gittins policy can tell a predictable site from a heavy-tailed one.
/// </summary>
/// <remarks>Thread-safe: the dispatcher reads while managers report finished items. A key's distribution is rebuilt
/// (sorted) only when read after it changed.</remarks>
/// <typeparam name="T">The scheduled item.</typeparam>
public sealed class LengthDistributions<T> : ICostEstimator<T> where T : ISchedulable
{
    private readonly Func<T, (string Agent, string Site)> _key;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Agent, string Site), Recent> _pairs = [];
    private readonly Dictionary<string, Recent> _sites = new(StringComparer.Ordinal);
    private readonly Recent _all;

    /// <summary>Creates a learner.</summary>
    /// <param name="key">The item's agent and call site.</param>
    /// <param name="samplesPerKey">Recent samples kept per key (the whole-traffic key keeps four times as many).</param>
    /// <param name="minSamples">Samples a key needs before it speaks for its items.</param>
    public LengthDistributions(Func<T, (string Agent, string Site)> key, int samplesPerKey = 128, int minSamples = 16)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(samplesPerKey, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(minSamples, 1);
        _key = key;
        SamplesPerKey = samplesPerKey;
        MinSamples = Math.Min(minSamples, samplesPerKey);
        _all = new Recent(samplesPerKey * 4);
    }

    /// <summary>Recent samples kept per (agent, call site) and per call site.</summary>
    public int SamplesPerKey { get; }

    /// <summary>Samples a key needs before its own distribution is used.</summary>
    public int MinSamples { get; }

    /// <summary>Finished items learned from.</summary>
    public long Observations
    {
        get
        {
            lock (_gate)
            {
                return _all.Total;
            }
        }
    }

    /// <summary>Learns the true cost of a finished item of (<paramref name="agent"/>, <paramref name="site"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="actual"/> is negative or not finite.</exception>
    public void Observe(string agent, string site, double actual)
    {
        OnlineCostEstimator<T>.CheckSample(agent, site, actual);
        lock (_gate)
        {
            if (!_pairs.TryGetValue((agent, site), out var pair))
            {
                _pairs[(agent, site)] = pair = new Recent(SamplesPerKey);
            }
            pair.Add(actual);
            if (!_sites.TryGetValue(site, out var bySite))
            {
                _sites[site] = bySite = new Recent(SamplesPerKey);
            }
            bySite.Add(actual);
            _all.Add(actual);
        }
    }

    /// <summary>The distribution that speaks for <paramref name="item"/>.</summary>
    public ServiceDistribution For(T item)
    {
        var (agent, site) = _key(item);
        return For(agent, site);
    }

    /// <summary>The distribution that speaks for an (agent, call site).</summary>
    public ServiceDistribution For(string agent, string site)
    {
        lock (_gate)
        {
            if (_pairs.TryGetValue((agent, site), out var pair) && pair.Count >= MinSamples)
            {
                return pair.Snapshot();
            }
            if (_sites.TryGetValue(site, out var bySite) && bySite.Count >= MinSamples)
            {
                return bySite.Snapshot();
            }
            return _all.Count >= MinSamples ? _all.Snapshot() : ServiceDistribution.Empty;
        }
    }

    /// <summary>The mean of the item's distribution (0 while nothing is known, so arrival order decides).</summary>
    public double Estimate(T item) => For(item).Mean;

    /// <summary>The distributions per call site (across agents) and of everything (key ""), for status and learning
    /// reports.</summary>
    public IReadOnlyDictionary<string, ServiceDistribution> BySite()
    {
        lock (_gate)
        {
            var sites = _sites.ToDictionary(s => s.Key, s => s.Value.Snapshot(), StringComparer.Ordinal);
            sites[""] = _all.Snapshot();
            return sites;
        }
    }

    /// <summary>A copy that learns on from what this one knows (a replay must not teach the live learner).</summary>
    public LengthDistributions<T> Clone()
    {
        var copy = new LengthDistributions<T>(_key, SamplesPerKey, MinSamples);
        lock (_gate)
        {
            foreach (var (k, v) in _pairs)
            {
                copy._pairs[k] = v.Clone();
            }
            foreach (var (k, v) in _sites)
            {
                copy._sites[k] = v.Clone();
            }
            _all.CopyTo(copy._all);
        }
        return copy;
    }

    // A ring of the most recent samples of one key, and its distribution, rebuilt when read after a change.
    private sealed class Recent(int capacity)
    {
        private readonly double[] _ring = new double[capacity];
        private ServiceDistribution? _snapshot;

        public int Count { get; private set; }

        public long Total { get; private set; }

        public void Add(double value)
        {
            _ring[Total % _ring.Length] = value;
            Total++;
            Count = (int)Math.Min(Total, _ring.Length);
            _snapshot = null;
        }

        public ServiceDistribution Snapshot() => _snapshot ??= new ServiceDistribution(_ring.AsSpan(0, Count));

        public Recent Clone()
        {
            var copy = new Recent(_ring.Length);
            CopyTo(copy);
            return copy;
        }

        public void CopyTo(Recent other)
        {
            _ring.CopyTo(other._ring, 0);
            other.Count = Count;
            other.Total = Total;
            other._snapshot = _snapshot;
        }
    }
}
