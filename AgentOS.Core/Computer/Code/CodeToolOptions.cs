namespace AgentOS.Computer.Code;

/// <summary>Limits and programs of the <c>code.run</c> tool.</summary>
public sealed class CodeToolOptions
{
    /// <summary>The Python 3 program as the sandbox finds it. Default <c>python3</c>.</summary>
    public string Python { get; set; } = "python3";

    /// <summary>The Node program as the sandbox finds it (a Node installed from npm into a tools folder must be bound
    /// into the sandbox). Default <c>node</c>.</summary>
    public string Node { get; set; } = "node";

    /// <summary>A call's timeout when it gives none. Default 30 s.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest timeout a call may ask for. Default 10 min.</summary>
    public TimeSpan MaxTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long an interpreter may take to start and report ready. Default 30 s.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most bytes of stdout, and of stderr, one call returns (and characters of the value's
    /// representation); the rest is counted and reported as truncated. Default 64 KiB.</summary>
    public int MaxOutputBytes { get; set; } = 64 * 1024;

    /// <summary>The most workspace entries compared before and after a call to find the files it created, changed or
    /// deleted; past it the comparison is skipped and the result says so. Default 20,000.</summary>
    public int MaxTrackedEntries { get; set; } = 20_000;

    /// <summary>An interpreter unused this long is stopped (its state is lost; the next call starts a new one, and
    /// says so). Default 30 min.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);
}
