using AgentOS.Llm.Simulation;
using AgentOS.Scheduling;
using AgentOS.Time;

namespace AgentOS.Evolution.Replay;

/// <summary>
/// The simulator as the LLM queue's executor, with the preemption contract: a run prefills (first run only — a
/// preempted request resumes from its KV-cache snapshot with no prefill), then decodes up to its service budget; a
/// yield request stops it at the next token boundary. Timers on the virtual clock end runs; the finished requests
/// teach the estimator.
/// </summary>
internal sealed class ReplayExecutor(ManualTimeProvider time, SimulatedLatencyModel defaultModel, Action<ReplayRequest>? finished, ReplayPool? pool = null) : IJobExecutor<ReplayRequest>
{
    private static readonly object Prefilled = new();
    private readonly Dictionary<ExecutionSlot<ReplayRequest>, Run> _runs = [];
    private readonly Lock _gate = new();
    private int _waitingOnClock;

    public int WaitingOnClock => Volatile.Read(ref _waitingOnClock);

    public double[] Completions { get; private set; } = [];

    public void Reset(int count) => Completions = new double[count];

    private double Now => time.Elapsed.TotalSeconds;

    public void Start(ExecutionSlot<ReplayRequest> slot)
    {
        var request = slot.Item;
        var model = ModelOf(request);
        double tpot = model.DecodePerToken.TotalSeconds;
        double remaining = request.Output - request.Ticket.AttainedService;
        double budget = Math.Max(1, Math.Floor(slot.ServiceBudget));
        int tokens = (int)Math.Min(remaining, budget);
        double prefill = request.Ticket.ResumeState is null ? model.TimeToFirstToken(request.Input).TotalSeconds : 0;
        request.DecodeStart = Now + prefill;
        request.ServiceAtDecodeStart = request.Ticket.AttainedService;
        request.Running = true;
        var run = new Run(request, tokens);
        lock (_gate)
        {
            _runs[slot] = run;
        }
        Interlocked.Increment(ref _waitingOnClock);
        run.Timer = time.CreateTimer(_ => End(slot, run), null, TimeSpan.FromSeconds(prefill + tokens * tpot), Timeout.InfiniteTimeSpan);
    }

    // A slice ended or a shorter request arrived: stop at the next token boundary (at least one token after prefill).
    public void OnYieldRequested(ExecutionSlot<ReplayRequest> slot)
    {
        Run? run;
        lock (_gate)
        {
            _runs.TryGetValue(slot, out run);
        }
        if (run is null)
        {
            return;
        }
        var request = run.Request;
        double tpot = ModelOf(request).DecodePerToken.TotalSeconds;
        int done = (int)Math.Ceiling(Math.Max(0, Now - request.DecodeStart) / tpot - 1e-9);
        int stopAt = Math.Clamp(Math.Max(1, done), 1, run.Tokens);
        if (stopAt < run.Tokens)
        {
            run.Tokens = stopAt;
            run.Timer!.Change(TimeSpan.FromSeconds(Math.Max(0, request.DecodeStart + stopAt * tpot - Now)), Timeout.InfiniteTimeSpan);
        }
    }

    private SimulatedLatencyModel ModelOf(ReplayRequest request) => pool is null ? defaultModel : pool.Models[request.Backend];

    public void Reject(ReplayRequest item, JobRejection reason) =>
        throw new InvalidOperationException($"request {item.Index} rejected ({reason}); the replay never cancels or expires requests");

    private void End(ExecutionSlot<ReplayRequest> slot, Run run)
    {
        lock (_gate)
        {
            if (!_runs.Remove(slot, out var current) || current != run)
            {
                return;
            }
        }
        run.Timer!.Dispose();
        var request = run.Request;
        request.Running = false;
        // Leaves the clock's count before the queue can see the end, so the clock waits for the queue.
        Interlocked.Decrement(ref _waitingOnClock);
        slot.ReportService(run.Tokens);
        if (request.Ticket.AttainedService >= request.Output - 1e-9)
        {
            Completions[request.Index] = Now;
            request.Completion = Now;
            finished?.Invoke(request);
            slot.Complete();
        }
        else
        {
            slot.Yield(Prefilled);
        }
    }

    private sealed class Run(ReplayRequest request, int tokens)
    {
        public ReplayRequest Request { get; } = request;
        public int Tokens { get; set; } = tokens;
        public ITimer? Timer { get; set; }
    }
}
