namespace AgentOS.Memory;

/// <summary>
/// The k best (id, score) pairs seen, in a min-heap of fixed capacity: an offer below the current k-th best costs one
/// comparison (<see cref="Threshold"/>). Ties break toward the smaller id so rankings are deterministic.
/// </summary>
internal sealed class TopK
{
    private readonly long[] _ids;
    private readonly double[] _scores;

    public TopK(int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        _ids = new long[k];
        _scores = new double[k];
    }

    public int Count { get; private set; }

    /// <summary>k: how many pairs it keeps.</summary>
    public int Capacity => _ids.Length;

    /// <summary>Scores at or below this cannot enter (negative infinity until full).</summary>
    public double Threshold => Count < _ids.Length ? double.NegativeInfinity : _scores[0] - 1e-12;

    public void Offer(long id, double score)
    {
        if (Count < _ids.Length)
        {
            int at = Count++;
            _ids[at] = id;
            _scores[at] = score;
            SiftUp(at);
        }
        else if (Worse(_ids[0], _scores[0], id, score))
        {
            _ids[0] = id;
            _scores[0] = score;
            SiftDown(0);
        }
    }

    /// <summary>Offers every pair <paramref name="other"/> holds (merging partial results).</summary>
    public void OfferAll(TopK other)
    {
        for (int i = 0; i < other.Count; i++)
        {
            Offer(other._ids[i], other._scores[i]);
        }
    }

    /// <summary>The pairs, best first.</summary>
    public (long Id, double Score)[] Ranked()
    {
        var result = new (long Id, double Score)[Count];
        for (int i = 0; i < Count; i++)
        {
            result[i] = (_ids[i], _scores[i]);
        }
        Array.Sort(result, static (x, y) => x.Score != y.Score ? y.Score.CompareTo(x.Score) : x.Id.CompareTo(y.Id));
        return result;
    }

    // Whether (ia, sa) ranks below (ib, sb).
    private static bool Worse(long ia, double sa, long ib, double sb) => sa < sb || (sa == sb && ia > ib);

    private void SiftUp(int at)
    {
        while (at > 0)
        {
            int parent = (at - 1) / 2;
            if (!Worse(_ids[at], _scores[at], _ids[parent], _scores[parent]))
            {
                return;
            }
            Swap(at, parent);
            at = parent;
        }
    }

    private void SiftDown(int at)
    {
        while (true)
        {
            int left = 2 * at + 1, worst = at;
            if (left < Count && Worse(_ids[left], _scores[left], _ids[worst], _scores[worst]))
            {
                worst = left;
            }
            if (left + 1 < Count && Worse(_ids[left + 1], _scores[left + 1], _ids[worst], _scores[worst]))
            {
                worst = left + 1;
            }
            if (worst == at)
            {
                return;
            }
            Swap(at, worst);
            at = worst;
        }
    }

    private void Swap(int a, int b)
    {
        (_ids[a], _ids[b]) = (_ids[b], _ids[a]);
        (_scores[a], _scores[b]) = (_scores[b], _scores[a]);
    }
}
