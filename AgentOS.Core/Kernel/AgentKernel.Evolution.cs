using AgentOS.Evolution;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Kernel;

public sealed partial class AgentKernel
{
    private EvolutionLoop? _evolution;
    private EvolutionRecorder? _evolutionRecorder;
    private int _evolutionStepping;
    private string? _evolutionError;

    /// <summary>The self-improving loop over the LLM queue, once <see cref="StartEvolutionAsync"/> started it.</summary>
    public EvolutionLoop? Evolution => Volatile.Read(ref _evolution);

    /// <summary>The loop's settings, pins and history for <see cref="Status"/> (<see langword="null"/> while it is off).</summary>
    public EvolutionStatus? EvolutionStatus => Evolution is { } loop
        ? new EvolutionStatus(loop.Current, loop.Current.Parameters(),
            loop.Pins, loop.Watching, loop.Observed, loop.History, Volatile.Read(ref _evolutionError))
        : null;

    /// <summary>
    /// Starts the self-improving loop over the LLM queue: it learns from every finished LLM call, proves candidate
    /// settings on replays of recent traffic, applies, watches and rolls back (see <see cref="EvolutionLoop"/>), each
    /// change written to storage, audited and published as an <see cref="EvolutionChange"/> (event type
    /// <c>agentos.evolution</c>). The history kept by an earlier kernel on this data folder is read back, versions continue
    /// after it, and the settings its last change left in force are applied again.
    /// </summary>
    /// <exception cref="InvalidOperationException">The loop already runs.</exception>
    /// <exception cref="ArgumentException">The options are invalid (nothing starts).</exception>
    public async Task<EvolutionLoop> StartEvolutionAsync(EvolutionOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (Evolution is not null)
        {
            throw new InvalidOperationException("The self-improving loop already runs on this kernel; use AgentKernel.Evolution.");
        }
        options ??= new EvolutionOptions { Slots = Llm.Backends.Sum(b => b.Slots) };
        options.Validate();
        var history = await EvolutionRecorder.LoadAsync(_storage, cancellationToken).ConfigureAwait(false);
        if (history.Count > 0 && !history[^1].To.Equals(LlmQueue.Current))
        {
            LlmQueue.Apply(history[^1].To);
        }
        if (!Events.Types.TryGet<EvolutionChange>(out _))
        {
            Events.Types.Register(EvolutionRecorder.EventType, Serialization.AgentOSJsonContext.Default.EvolutionChange);
        }
        var recorder = new EvolutionRecorder(_storage, _audit, Events);
        var loop = new EvolutionLoop(LlmQueue, options with { Pins = null }, Time, history);
        loop.Changed += recorder.Record;
        foreach (var (name, value) in options.Pins ?? new Dictionary<string, string>())
        {
            loop.Pin(name, value);
        }
        if (Interlocked.CompareExchange(ref _evolution, loop, null) is not null)
        {
            throw new InvalidOperationException("The self-improving loop already runs on this kernel; use AgentKernel.Evolution.");
        }
        _evolutionRecorder = recorder;
        _llm.CallEnded = ObserveLlmCall;
        return loop;
    }

    // A finished (or failed) LLM call, as the loop learns from it; the loop's step (a replay: seconds of work) runs on the
    // thread pool, one at a time, never on the LLM queue's path.
    private void ObserveLlmCall(Syscall syscall, LlmResponse? response, string backend)
    {
        long endedAt = Time.GetTimestamp();
        if (Evolution is not { } loop)
        {
            return;
        }
        var request = syscall.Request.Llm!;
        loop.Observe(new TrafficRecord(
            Time.GetElapsedTime(_started, syscall.SubmittedAt).TotalSeconds,
            syscall.Request.AgentId,
            request.CallSite ?? "",
            response?.PromptTokens ?? 0,
            response?.CompletionTokens ?? 0,
            Time.GetElapsedTime(syscall.SubmittedAt, endedAt).TotalSeconds,
            Backend: backend,
            Failed: response is null,
            Service: Time.GetElapsedTime(syscall.DispatchedAt, endedAt).TotalSeconds));
        if (Interlocked.CompareExchange(ref _evolutionStepping, 1, 0) == 0)
        {
            _ = Task.Run(() =>
            {
                try
                {
                    loop.Step();
                }
                catch (Exception ex)
                {
                    // Kept for the status (the loop keeps running on the next call), and never hidden.
                    Volatile.Write(ref _evolutionError, $"{ex.GetType().Name}: {ex.Message}");
                }
                finally
                {
                    Volatile.Write(ref _evolutionStepping, 0);
                }
            });
        }
    }
}
