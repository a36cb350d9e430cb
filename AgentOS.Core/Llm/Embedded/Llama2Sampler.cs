namespace AgentOS.Llm.Embedded;

/// <summary>
/// run.c's sampler, reproduced: greedy at temperature 0; otherwise temperature, softmax, then top-p (nucleus) or plain
/// multinomial sampling, driven by run.c's xorshift generator so a seed gives the tokens run.c gives.
/// </summary>
public sealed class Llama2Sampler(float temperature = 0f, float topP = 0.9f, ulong seed = 1)
{
    private ulong _state = seed;
    private (float Prob, int Index)[] _candidates = [];

    /// <summary>The temperature (0: greedy).</summary>
    public float Temperature => temperature;

    /// <summary>The top-p threshold (0 or 1 and above: plain multinomial sampling).</summary>
    public float TopP => topP;

    /// <summary>The random generator's current state: a sampler created with this as its seed continues exactly
    /// where this one is (what a preemption snapshot records).</summary>
    public ulong RandomState => _state;

    /// <summary>Picks the next token from <paramref name="logits"/> (modified in place when sampling).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public int Sample(Span<float> logits)
    {
        if (temperature == 0.0f)
        {
            return ArgMax(logits);
        }
        for (int i = 0; i < logits.Length; i++)
        {
            logits[i] /= temperature;
        }
        Llama2Model.Softmax(logits);
        float coin = RandomF32();
        return topP <= 0 || topP >= 1 ? Multinomial(logits, coin) : SampleTopP(logits, coin);
    }

    private static int ArgMax(ReadOnlySpan<float> p)
    {
        int best = 0;
        for (int i = 1; i < p.Length; i++)
        {
            if (p[i] > p[best])
            {
                best = i;
            }
        }
        return best;
    }

    private static int Multinomial(ReadOnlySpan<float> p, float coin)
    {
        float cdf = 0.0f;
        for (int i = 0; i < p.Length; i++)
        {
            cdf += p[i];
            if (coin < cdf)
            {
                return i;
            }
        }
        return p.Length - 1;
    }

    private int SampleTopP(ReadOnlySpan<float> p, float coin)
    {
        if (_candidates.Length < p.Length)
        {
            _candidates = new (float, int)[p.Length];
        }
        int n = 0;
        float cutoff = (1.0f - topP) / (p.Length - 1);
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] >= cutoff)
            {
                _candidates[n++] = (p[i], i);
            }
        }
        var candidates = _candidates.AsSpan(0, n);
        // run.c uses qsort by descending probability; ties keep no particular order there either, but equal
        // probabilities are vanishingly rare in float logits.
        candidates.Sort(static (a, b) => b.Prob.CompareTo(a.Prob));
        float cumulative = 0.0f;
        int last = n - 1;
        for (int i = 0; i < n; i++)
        {
            cumulative += candidates[i].Prob;
            if (cumulative > topP)
            {
                last = i;
                break;
            }
        }
        float r = coin * cumulative;
        float cdf = 0.0f;
        for (int i = 0; i <= last; i++)
        {
            cdf += candidates[i].Prob;
            if (r < cdf)
            {
                return candidates[i].Index;
            }
        }
        return candidates[last].Index;
    }

    private uint RandomU32()
    {
        _state ^= _state >> 12;
        _state ^= _state << 25;
        _state ^= _state >> 27;
        return (uint)((_state * 0x2545F4914F6CDD1DUL) >> 32);
    }

    private float RandomF32() => (RandomU32() >> 8) / 16777216.0f;
}
