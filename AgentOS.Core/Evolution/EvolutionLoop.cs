using AgentOS.Llm;

namespace AgentOS.Evolution;

/// <summary>
/// The self-improving loop for the LLM queue. It learns from finished calls (<see cref="Observe"/>), and on each
/// <see cref="Step"/>: proves candidate settings by replaying the recent window of real traffic through the simulator
/// on virtual time with the kernel's own queue, keeps a candidate only when a paired bootstrap puts the lower bound of
/// its mean-latency gain above zero (and its tail within the bar), applies it live, watches the live metric on the
/// calls that follow, and rolls back to the exact previous settings when that degrades. It is told nothing about the
/// traffic: what it knows it learned from the calls.
/// </summary>
/// <remarks>
/// Thread-safe: managers report calls from any thread; one step runs at a time (a step replays, which takes a while,
/// so run it off the hot path: a timer, a background task). Every change is reported through <see cref="Changed"/>
/// (the kernel keeps it in storage, audits it and publishes it) and listed in <see cref="History"/>.
/// </remarks>
public sealed partial class EvolutionLoop
{
    private readonly ILlmQueueTarget _target;
    private readonly EvolutionOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Lock _stepGate = new();
    private readonly List<TrafficRecord> _records = [];
    private readonly List<EvolutionChange> _history = [];
    private readonly Dictionary<string, string> _pins = new(StringComparer.Ordinal);
    private readonly Dictionary<LlmQueueSettings, int> _cooldown = [];
    private long _observed;
    private long _observedAtProof;
    private double _latestArrival = double.NegativeInfinity;
    private Watch? _watch;
    private ProofReport? _lastProof;

    /// <summary>Creates a loop over <paramref name="target"/>.</summary>
    /// <param name="target">The LLM queue it tunes.</param>
    /// <param name="options">How it learns and proves (default <see cref="EvolutionOptions"/>).</param>
    /// <param name="time">The clock its change records are stamped with.</param>
    /// <param name="history">Changes kept from an earlier run: versions continue after them.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public EvolutionLoop(ILlmQueueTarget target, EvolutionOptions? options = null, TimeProvider? time = null, IReadOnlyList<EvolutionChange>? history = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        _options = options ?? new EvolutionOptions();
        _options.Validate();
        _target = target;
        _time = time ?? TimeProvider.System;
        if (history is not null)
        {
            _history.AddRange(history.OrderBy(c => c.Version));
            // The operator's pins outlive a restart: replay the pin and unpin changes in order.
            foreach (var change in _history.Where(c => c.Parameter is not null))
            {
                if (change.Kind == "pin")
                {
                    _pins[change.Parameter!] = change.Value ?? change.To.Get(change.Parameter!);
                }
                else if (change.Kind == "unpin")
                {
                    _pins.Remove(change.Parameter!);
                }
            }
        }
        foreach (var (name, value) in _options.Pins ?? new Dictionary<string, string>())
        {
            Pin(name, value);
        }
    }

    /// <summary>Raised after every change (outside the loop's locks).</summary>
    public event Action<EvolutionChange>? Changed;

    /// <summary>The options.</summary>
    public EvolutionOptions Options => _options;

    /// <summary>The settings in force.</summary>
    public LlmQueueSettings Current => _target.Current;

    /// <summary>Calls observed so far.</summary>
    public long Observed => Interlocked.Read(ref _observed);

    /// <summary>Whether a change is being watched.</summary>
    public bool Watching
    {
        get
        {
            lock (_gate)
            {
                return _watch is not null;
            }
        }
    }

    /// <summary>Every change, oldest first.</summary>
    public IReadOnlyList<EvolutionChange> History
    {
        get
        {
            lock (_gate)
            {
                return [.. _history];
            }
        }
    }

    /// <summary>The pinned parameters and their values.</summary>
    public IReadOnlyDictionary<string, string> Pins
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, string>(_pins, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>The latest proof, or <see langword="null"/> before the first.</summary>
    public ProofReport? LastProof
    {
        get
        {
            lock (_gate)
            {
                return _lastProof;
            }
        }
    }

    /// <summary>Learns from one finished call.</summary>
    public void Observe(in TrafficRecord call)
    {
        lock (_gate)
        {
            _records.Add(call);
            _latestArrival = Math.Max(_latestArrival, call.Arrival);
            int keep = 3 * _options.Window + 2 * _options.WatchCalls;
            if (_records.Count > keep + _options.Window)
            {
                _records.RemoveRange(0, _records.Count - keep);
            }
        }
        Interlocked.Increment(ref _observed);
    }

    /// <summary>What the retained calls teach: latency fits, failure rates, arrival pattern, length distributions.</summary>
    public TrafficProfile Learn()
    {
        lock (_gate)
        {
            return TrafficProfile.Learn([.. _records]);
        }
    }

    /// <summary>
    /// Does what is due: ends a watch (keep or roll back) once enough calls followed the change, or proves candidates
    /// once enough calls finished since the last proof and applies the best proven one. Returns the change made, if any.
    /// </summary>
    public EvolutionChange? Step()
    {
        lock (_stepGate)
        {
            Watch? watch;
            lock (_gate)
            {
                watch = _watch;
            }
            if (watch is not null)
            {
                return Verdict(watch);
            }
            if (Observed - Interlocked.Read(ref _observedAtProof) < _options.EvaluateEvery)
            {
                return null;
            }
            Interlocked.Exchange(ref _observedAtProof, Observed);
            return Prove();
        }
    }

    /// <summary>Pins a parameter to a value: the loop never changes it, and it takes effect now (a versioned change).</summary>
    /// <returns>The change, or <see langword="null"/> when the parameter was already pinned to that value and has it
    /// (nothing changed, nothing recorded).</returns>
    /// <exception cref="ArgumentException">Unknown parameter or a value it does not take (nothing changes).</exception>
    public EvolutionChange? Pin(string parameter, string value)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        lock (_stepGate)
        {
            var from = _target.Current;
            var to = from.With(parameter, value);
            lock (_gate)
            {
                if (_pins.TryGetValue(parameter, out var pinned) && pinned == value && to.Equals(from))
                {
                    return null;
                }
            }
            // Applied first: a value the queue refuses (a backend it does not have) leaves no pin behind.
            if (!Equals(from, to))
            {
                _target.Apply(to);
            }
            lock (_gate)
            {
                _pins[parameter] = value;
            }
            return Record("pin", from, to, $"{parameter} pinned to '{value}' by the operator", parameter: parameter, value: value, applied: true);
        }
    }

    /// <summary>Lets the loop tune a parameter again (its value stays until a proven change moves it).</summary>
    /// <returns>Whether it was pinned.</returns>
    public bool Unpin(string parameter)
    {
        lock (_stepGate)
        {
            bool removed;
            lock (_gate)
            {
                removed = _pins.Remove(parameter);
            }
            if (removed)
            {
                Record("unpin", _target.Current, _target.Current, $"{parameter} unpinned by the operator", parameter: parameter);
            }
            return removed;
        }
    }

    // Applies `to` (when it differs) and records the change; every change of the queue's settings goes through here.
    private EvolutionChange Record(string kind, LlmQueueSettings from, LlmQueueSettings to, string reason, double gain = 0, double lowerBound = 0, int requests = 0,
        string? parameter = null, string? value = null, bool applied = false)
    {
        if (!applied && !Equals(from, to))
        {
            _target.Apply(to);
        }
        EvolutionChange change;
        lock (_gate)
        {
            long version = _history.Count == 0 ? 1 : _history[^1].Version + 1;
            change = new EvolutionChange(version, _time.GetUtcNow(), kind, from, to, reason, gain, lowerBound, requests, parameter, value);
            _history.Add(change);
        }
        Changed?.Invoke(change);
        return change;
    }

    private LlmQueueSettings WithPins(LlmQueueSettings settings)
    {
        foreach (var (name, value) in Pins)
        {
            settings = settings.With(name, value);
        }
        return settings;
    }

    private sealed record Watch(LlmQueueSettings Previous, LlmQueueSettings Applied, double Since, double Calibration);
}
