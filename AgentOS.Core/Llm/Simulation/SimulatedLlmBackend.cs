using AgentOS.Syscalls.Queries;

namespace AgentOS.Llm.Simulation;

/// <summary>
/// A simulated LLM, labelled as one: it generates no real text, only the timing of a real server under
/// <see cref="SimulatedLatencyModel"/> on the kernel's clock. On a <see cref="Time.ManualTimeProvider"/> moved by a
/// <see cref="Time.VirtualClockDriver"/>, an hour of traffic replays in seconds with identical results run after run.
/// </summary>
/// <remarks>
/// <para>Each of its <see cref="Slots"/> runs one generation at a time, at full speed (the kernel's LLM queue never
/// starts more than that). A generation produces <see cref="LlmQuery.MaxTokens"/> tokens unless an output-length
/// function is given — a trace replay asks for the trace's output length, as serving benchmarks do with "ignore end of
/// sequence". Prompt tokens are counted as one per four characters (the usual rule of thumb for English).</para>
/// <para>For the virtual clock, <see cref="WaitingOnClock"/> counts the generations waiting on a timer: it drops
/// before the timer's callback completes the generation, so until the kernel has seen the end, its running count
/// and this one differ and the clock stays put.</para>
/// </remarks>
public sealed class SimulatedLlmBackend : ILlmBackend
{
    /// <summary>What a user sees next to the backend's name: this is a simulator.</summary>
    public const string Label = "simulator (virtual latency model, no real model)";

    private readonly TimeProvider _time;
    private readonly Func<LlmQuery, int>? _outputTokens;
    private int _waitingOnClock;
    private long _generations;

    /// <summary>Creates a simulator.</summary>
    /// <param name="time">The clock generations wait on (the kernel's).</param>
    /// <param name="slots">Generations at once.</param>
    /// <param name="model">The latency model (default: <see cref="SimulatedLatencyModel"/>'s defaults).</param>
    /// <param name="name">The backend's name; it always reads as a simulator.</param>
    /// <param name="outputTokens">How many tokens a query produces (default: its <see cref="LlmQuery.MaxTokens"/>).</param>
    public SimulatedLlmBackend(TimeProvider time, int slots = 1, SimulatedLatencyModel? model = null, string name = "simulated", Func<LlmQuery, int>? outputTokens = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        ArgumentException.ThrowIfNullOrEmpty(name);
        Model = model ?? new SimulatedLatencyModel();
        Model.Validate();
        _time = time;
        Slots = slots;
        Name = name;
        _outputTokens = outputTokens;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public int Slots { get; }

    /// <summary>Plain generation only: it produces timing, not text, so it claims no chat template, tools, JSON,
    /// embeddings, continuation or streaming, and no context window.</summary>
    public LlmCapabilities Capabilities => LlmCapabilities.None;

    /// <summary>The latency model.</summary>
    public SimulatedLatencyModel Model { get; }

    /// <summary>Generations waiting on a timer of the clock now.</summary>
    public int WaitingOnClock => Volatile.Read(ref _waitingOnClock);

    /// <summary>Generations finished.</summary>
    public long Generations => Interlocked.Read(ref _generations);

    /// <summary>Prompt tokens as the simulator counts them: one per four characters, at least one per message.</summary>
    public static int CountPromptTokens(LlmQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        int tokens = 0;
        foreach (var message in query.Messages)
        {
            tokens += Math.Max(1, (message.Content.Length + 3) / 4);
        }
        return tokens;
    }

    /// <inheritdoc />
    public ValueTask<LlmResponse> GenerateAsync(LlmQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<LlmResponse>(cancellationToken);
        }
        int input = CountPromptTokens(query);
        int output = Math.Max(0, _outputTokens?.Invoke(query) ?? query.MaxTokens);
        var response = new LlmResponse
        {
            Content = $"[{Label}: {output} tokens]",
            PromptTokens = input,
            CompletionTokens = output,
            FinishReason = "length",
            Backend = Name,
        };
        var generation = new Generation(this, response, cancellationToken);
        Interlocked.Increment(ref _waitingOnClock);
        generation.Arm(Model.Service(input, output));
        return new ValueTask<LlmResponse>(generation.Task);
    }

    // One generation waiting on the clock. It leaves the waiting count exactly once: at its timer, or when cancelled.
    private sealed class Generation
    {
        private readonly SimulatedLlmBackend _owner;
        private readonly LlmResponse _response;
        private readonly TaskCompletionSource<LlmResponse> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationToken _cancellationToken;
        private ITimer? _timer;
        private CancellationTokenRegistration _registration;
        private int _ended;

        public Generation(SimulatedLlmBackend owner, LlmResponse response, CancellationToken cancellationToken)
        {
            _owner = owner;
            _response = response;
            _cancellationToken = cancellationToken;
        }

        public Task<LlmResponse> Task => _done.Task;

        public void Arm(TimeSpan service)
        {
            _timer = _owner._time.CreateTimer(static s => ((Generation)s!).End(cancelled: false), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            if (_cancellationToken.CanBeCanceled)
            {
                _registration = _cancellationToken.UnsafeRegister(static s => ((Generation)s!).End(cancelled: true), this);
            }
            _timer.Change(service, Timeout.InfiniteTimeSpan);
        }

        private void End(bool cancelled)
        {
            if (Interlocked.Exchange(ref _ended, 1) != 0)
            {
                return;
            }
            _timer?.Dispose();
            _registration.Dispose();
            Interlocked.Decrement(ref _owner._waitingOnClock);
            if (cancelled)
            {
                _done.TrySetCanceled(_cancellationToken);
            }
            else
            {
                Interlocked.Increment(ref _owner._generations);
                _done.TrySetResult(_response);
            }
        }
    }
}
