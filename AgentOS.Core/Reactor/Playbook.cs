namespace AgentOS.Reactor;

/// <summary>
/// A repair playbook: a trigger over bus events (types, a predicate, a count within a sliding window), actions, a
/// verification (the condition clears within a time, or the action is undone where it can be and the case escalated),
/// and a cooldown; every step goes through <see cref="ReactorEngine"/>, which applies the global fuse and reports it.
/// </summary>
public abstract class Playbook : IDisposable
{
    private protected Playbook(string name, bool enabled)
    {
        Name = name;
        Enabled = enabled;
    }

    /// <summary>The playbook's name in events, the audit log and the config.</summary>
    public string Name { get; }

    /// <summary>Whether it acts (a disabled playbook is listed in the status with zero counters).</summary>
    public bool Enabled { get; }

    /// <summary>Cases still waiting for their verification.</summary>
    public int Open => Volatile.Read(ref OpenCases);

    // Cases opened and not yet verified or given up.
    internal int OpenCases;

    /// <summary>Subscribes to the bus (called once, when the engine starts, only if enabled).</summary>
    internal abstract void Start(ReactorEngine engine);

    /// <summary>Stops its subscriptions and timers.</summary>
    public virtual void Dispose() => GC.SuppressFinalize(this);
}
