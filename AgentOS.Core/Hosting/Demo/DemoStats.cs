namespace AgentOS.Hosting.Demo;

/// <summary>What the demo's agents report as they go: arrivals, finishes and latencies. Thread-safe.</summary>
internal sealed class DemoStats
{
    private readonly Lock _gate = new();
    private readonly List<double> _agentLatencies = [];
    private readonly List<double> _llmLatencies = [];
    private readonly Dictionary<int, double> _finishes = [];
    private readonly Dictionary<int, string> _samples = [];
    private int _arrived;
    private int _running;
    private int _failed;

    public int Arrived => Volatile.Read(ref _arrived);

    public int Running => Volatile.Read(ref _running);

    public int Failed => Volatile.Read(ref _failed);

    public int Done
    {
        get
        {
            lock (_gate)
            {
                return _agentLatencies.Count;
            }
        }
    }

    public int Finished => Done + Failed;

    public string? FirstError { get; private set; }

    public void Arrive()
    {
        Interlocked.Increment(ref _arrived);
        Interlocked.Increment(ref _running);
    }

    public void Complete(int agent, double latencySeconds, double finishedAtSeconds)
    {
        lock (_gate)
        {
            _agentLatencies.Add(latencySeconds);
            _finishes[agent] = finishedAtSeconds;
        }
        Interlocked.Decrement(ref _running);
    }

    public void Fail(Exception error)
    {
        lock (_gate)
        {
            FirstError ??= $"{error.GetType().Name}: {error.Message}";
        }
        Interlocked.Increment(ref _failed);
        Interlocked.Decrement(ref _running);
    }

    /// <summary>Keeps the first agents' answers, to show what a real model wrote.</summary>
    public void Sample(int agent, string text)
    {
        if (agent < 3)
        {
            lock (_gate)
            {
                _samples[agent] = text;
            }
        }
    }

    public IReadOnlyList<(int Agent, string Text)> Samples()
    {
        lock (_gate)
        {
            return [.. _samples.OrderBy(s => s.Key).Select(s => (s.Key, s.Value))];
        }
    }

    public void LlmCall(double latencySeconds)
    {
        lock (_gate)
        {
            _llmLatencies.Add(latencySeconds);
        }
    }

    public LatencySummary Agents()
    {
        lock (_gate)
        {
            return LatencySummary.Of(_agentLatencies);
        }
    }

    public LatencySummary LlmCalls()
    {
        lock (_gate)
        {
            return LatencySummary.Of(_llmLatencies);
        }
    }

    /// <summary>When each agent finished (seconds on the kernel's clock since the run began), by agent index.</summary>
    public IReadOnlyDictionary<int, double> Finishes()
    {
        lock (_gate)
        {
            return new Dictionary<int, double>(_finishes);
        }
    }
}
