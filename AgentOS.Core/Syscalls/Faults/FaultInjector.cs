using AgentOS.Syscalls.Errors;

namespace AgentOS.Syscalls.Faults;

/// <summary>
/// Draws each call's fault from a seeded sequence and carries out the ones that happen before an answer (429, 500,
/// timeout, slow first token), on a clock. Shared by the LLM backend and tool wrappers. Thread-safe; counts what it
/// injected.
/// </summary>
public sealed class FaultInjector
{
    private readonly Random _random;
    private readonly long[] _counts = new long[Enum.GetValues<FaultKind>().Length];

    /// <summary>Creates an injector for <paramref name="options"/> on <paramref name="time"/>.</summary>
    /// <exception cref="ArgumentException">The options are out of range.</exception>
    public FaultInjector(FaultOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Time = time ?? TimeProvider.System;
        _random = options.Seed is { } seed ? new Random(seed) : new Random();
    }

    /// <summary>The drill.</summary>
    public FaultOptions Options { get; }

    /// <summary>The clock its delays run on.</summary>
    public TimeProvider Time { get; }

    /// <summary>Calls seen.</summary>
    public long Calls => Interlocked.Read(ref _counts[(int)FaultKind.None]) + Injected;

    /// <summary>Faults injected (slow first tokens included).</summary>
    public long Injected => _counts.Skip(1).Sum(c => Interlocked.Read(ref c));

    /// <summary>How many of one kind were injected (<see cref="FaultKind.None"/>: calls left alone).</summary>
    public long Count(FaultKind kind) => Interlocked.Read(ref _counts[(int)kind]);

    /// <summary>The next call's fault.</summary>
    public FaultKind Next()
    {
        double draw;
        lock (_random)
        {
            draw = _random.NextDouble();
        }
        var o = Options;
        var kind = (draw -= o.RateLimited) < 0 ? FaultKind.RateLimited
            : (draw -= o.ServerError) < 0 ? FaultKind.ServerError
            : (draw -= o.Timeout) < 0 ? FaultKind.Timeout
            : (draw -= o.CutStream) < 0 ? FaultKind.CutStream
            : (draw -= o.SlowFirstToken) < 0 ? FaultKind.SlowFirstToken
            : FaultKind.None;
        Interlocked.Increment(ref _counts[(int)kind]);
        return kind;
    }

    /// <summary>Carries out <paramref name="kind"/>'s part before any answer: throws the typed error of a 429, 500 or
    /// timeout (after its silence), waits out a slow first token; returns at once otherwise.</summary>
    /// <param name="kind">The drawn fault.</param>
    /// <param name="what">What failed, for messages ("LLM backend 'x'").</param>
    /// <param name="cancellationToken">Ends a silence early.</param>
    public async ValueTask BeforeAnswerAsync(FaultKind kind, string what, CancellationToken cancellationToken)
    {
        switch (kind)
        {
            case FaultKind.RateLimited:
                throw new RateLimitedException($"{what} answered 429 Too Many Requests (injected by a fault drill).") { RetryAfter = TimeSpan.FromMilliseconds(Options.RetryAfterMs) };
            case FaultKind.ServerError:
                throw new BackendFailedException($"{what} answered 500 Internal Server Error (injected by a fault drill).");
            case FaultKind.Timeout:
                await Task.Delay(TimeSpan.FromMilliseconds(Options.TimeoutMs), Time, cancellationToken).ConfigureAwait(false);
                throw new BackendFailedException($"{what} did not answer within {Options.TimeoutMs:0} ms (a timeout injected by a fault drill).");
            case FaultKind.SlowFirstToken:
                await Task.Delay(TimeSpan.FromMilliseconds(Options.SlowFirstTokenMs), Time, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>The error of a cut stream.</summary>
    public static BackendFailedException StreamCut(string what) => new($"{what} cut its stream after the first piece (injected by a fault drill).");
}
