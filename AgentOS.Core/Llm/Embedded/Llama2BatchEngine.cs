namespace AgentOS.Llm.Embedded;

/// <summary>
/// Continuous batching: every running generation advances one position per step, and all of them share that step
/// (<see cref="Llama2Model.ForwardBatch"/> reads each weight row once for the whole batch). Generations join and leave
/// between steps: a new one starts with its prompt's first token in the next step; one that finishes, is cancelled or
/// is asked to suspend leaves after the step that produced its last token. One loop thread runs while any generation
/// does. A batch step gives each sequence exactly the logits it would get alone, so output never depends on who else
/// is in the batch.
/// </summary>
public sealed class Llama2BatchEngine
{
    private readonly object _gate = new();
    private readonly Queue<Run> _joining = new();
    private bool _looping;
    private int _largestBatch;

    /// <summary>Creates an engine over <paramref name="generator"/>'s model, tokenizer and sequence pool.</summary>
    public Llama2BatchEngine(Llama2Generator generator, int maxBatch = 16)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        Generator = generator;
        MaxBatch = maxBatch;
    }

    /// <summary>The model, tokenizer, pool and counters.</summary>
    public Llama2Generator Generator { get; }

    /// <summary>The most generations one step serves; more wait to join.</summary>
    public int MaxBatch { get; }

    /// <summary>The largest batch a step has served so far.</summary>
    public int LargestBatch => Volatile.Read(ref _largestBatch);

    /// <summary>
    /// Runs <paramref name="generation"/> in the shared batch until it finishes (returns <see langword="null"/>; read the
    /// generation, then dispose it) or, at a token boundary after at least one generated token, until
    /// <paramref name="shouldSuspend"/> says so (returns its snapshot; the generation is then over here).
    /// <paramref name="onToken"/> gets each generated token and its text bytes on the engine's thread: it must be quick.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled; the generation stopped at a token boundary.</exception>
    public Task<byte[]?> RunAsync(Llama2Generation generation, Action<int, byte[]>? onToken = null, Func<bool>? shouldSuspend = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generation);
        return WholeArray(Enter(generation, onToken, shouldSuspend, pooled: false, cancellationToken));

        static async Task<byte[]?> WholeArray(Task<ArraySegment<byte>> run) => (await run.ConfigureAwait(false)).Array;
    }

    /// <summary>As <see cref="RunAsync"/>, but a suspended generation's snapshot is written into a buffer rented from
    /// <see cref="System.Buffers.ArrayPool{T}.Shared"/> (the segment's array; no array when it finished): the caller
    /// owns it and gives it back once the snapshot is consumed (see <see cref="Context.GenerationSnapshot"/>).</summary>
    internal Task<ArraySegment<byte>> RunPooledAsync(Llama2Generation generation, Action<int, byte[]>? onToken, Func<bool>? shouldSuspend, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(generation);
        return Enter(generation, onToken, shouldSuspend, pooled: true, cancellationToken);
    }

    private Task<ArraySegment<byte>> Enter(Llama2Generation generation, Action<int, byte[]>? onToken, Func<bool>? shouldSuspend, bool pooled, CancellationToken cancellationToken)
    {
        if (generation.IsFinished)
        {
            return Task.FromResult(default(ArraySegment<byte>));
        }
        var run = new Run(generation, onToken, shouldSuspend, pooled, cancellationToken);
        bool start = false;
        lock (_gate)
        {
            _joining.Enqueue(run);
            if (!_looping)
            {
                _looping = start = true;
            }
        }
        if (start)
        {
            _ = Task.Factory.StartNew(Loop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        return run.Done.Task;
    }

    private void Loop()
    {
        var active = new List<Run>();
        var sequences = new List<Llama2Sequence>();
        var tokens = new List<int>();
        var positions = new List<int>();
        var model = Generator.Model;
        while (true)
        {
            lock (_gate)
            {
                while (active.Count < MaxBatch && _joining.TryDequeue(out var run))
                {
                    active.Add(run);
                }
                if (active.Count == 0)
                {
                    _looping = false;
                    return;
                }
            }
            sequences.Clear();
            tokens.Clear();
            positions.Clear();
            foreach (var run in active)
            {
                sequences.Add(run.Generation.Sequence);
                tokens.Add(run.Generation.PendingToken);
                positions.Add(run.Generation.Position);
            }
            try
            {
                if (active.Count == 1)
                {
                    model.Forward(sequences[0], tokens[0], positions[0]);
                }
                else
                {
                    model.ForwardBatch(sequences, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(tokens), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(positions));
                }
            }
            catch (Exception ex)
            {
                foreach (var run in active)
                {
                    run.Done.TrySetException(ex);
                }
                active.Clear();
                continue;
            }
            Generator.Counters.AddStep();
            if (active.Count > _largestBatch)
            {
                Volatile.Write(ref _largestBatch, active.Count);
            }
            for (int i = 0; i < active.Count; i++)
            {
                if (!Advance(active[i], tokens[i]))
                {
                    active.RemoveAt(i);
                    tokens.RemoveAt(i);
                    i--;
                }
            }
        }
    }

    // Takes a run's step result; returns whether it stays in the batch.
    private bool Advance(Run run, int previous)
    {
        var generation = run.Generation;
        try
        {
            int token = generation.Advance();
            if (token >= 0)
            {
                run.Generated++;
                run.OnToken?.Invoke(token, Generator.Tokenizer.Decode(previous, token));
            }
            if (generation.IsFinished)
            {
                run.Done.TrySetResult(default);
                return false;
            }
            if (run.CancellationToken.IsCancellationRequested)
            {
                run.Done.TrySetCanceled(run.CancellationToken);
                return false;
            }
            if (run.Generated > 0 && run.ShouldSuspend?.Invoke() == true)
            {
                run.Done.TrySetResult(run.Pooled ? generation.SuspendPooled() : new ArraySegment<byte>(generation.Suspend()));
                return false;
            }
            return true;
        }
        catch (Exception ex)
        {
            run.Done.TrySetException(ex);
            return false;
        }
    }

    private sealed class Run(Llama2Generation generation, Action<int, byte[]>? onToken, Func<bool>? shouldSuspend, bool pooled, CancellationToken cancellationToken)
    {
        public bool Pooled { get; } = pooled;
        public Llama2Generation Generation { get; } = generation;
        public Action<int, byte[]>? OnToken { get; } = onToken;
        public Func<bool>? ShouldSuspend { get; } = shouldSuspend;
        public CancellationToken CancellationToken { get; } = cancellationToken;
        public TaskCompletionSource<ArraySegment<byte>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Generated { get; set; }
    }
}
