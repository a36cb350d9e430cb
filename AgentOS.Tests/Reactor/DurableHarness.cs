using System.Collections.Concurrent;
using System.Text.Json;
using AgentOS.Access;
using AgentOS.Kernel;
using AgentOS.Reactor;
using AgentOS.Sdk;
using AgentOS.Tests.Framework;
using AgentOS.Tools;

namespace AgentOS.Tests.Reactor;

/// <summary>
/// Tools whose effects outlive a kernel (they live in the test), for durable runs across kernels on one data folder:
/// <c>counter.add</c> (not idempotent: every call advances the counter), <c>keyed.add</c> (not idempotent, but honours
/// idempotency keys: a repeated key answers the first call's result), and <c>pause</c> (idempotent; blocks at the
/// call numbered <see cref="BlockAt"/> until the kernel stops, so a test can cut a run between two counter steps).
/// </summary>
internal sealed class DurableWorld
{
    private int _counter;
    private int _pauses;
    private readonly ConcurrentDictionary<string, string> _keys = new(StringComparer.Ordinal);

    public int Counter => Volatile.Read(ref _counter);

    /// <summary>Runs of the agent's code (attempts and replays), over every kernel.</summary>
    public int AgentRuns;

    /// <summary>Calls of counter.add (or keyed.add) numbered here block after acting, until the kernel stops.</summary>
    public int AddBlocksAt { get; set; } = -1;

    /// <summary>The pause call numbered here blocks until the kernel stops (-1: none).</summary>
    public int BlockAt { get; set; } = -1;

    public TaskCompletionSource Blocked { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<string?> Keys { get; } = [];

    public void Rearm() => Blocked = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ToolRegistry Tools()
    {
        var registry = new ToolRegistry();
        using var schema = JsonDocument.Parse("{\"type\":\"object\"}");
        registry.Register(new ToolDefinition
        {
            Name = "counter.add",
            Description = "Adds one to the counter; answers its new value.",
            ParametersSchema = schema.RootElement.Clone(),
            Run = async (context, _, ct) =>
            {
                int value = Interlocked.Increment(ref _counter);
                if (value == AddBlocksAt)
                {
                    Blocked.TrySetResult();
                    await Task.Delay(Timeout.Infinite, ct);
                }
                return new ToolOutput($"counter={value}");
            },
        });
        registry.Register(new ToolDefinition
        {
            Name = "keyed.add",
            Description = "Adds one to the counter once per idempotency key.",
            ParametersSchema = schema.RootElement.Clone(),
            HonoursIdempotencyKey = true,
            Run = async (context, _, ct) =>
            {
                lock (Keys)
                {
                    Keys.Add(context.IdempotencyKey);
                }
                string? first = null;
                if (context.IdempotencyKey is { } key && _keys.TryGetValue(key, out first))
                {
                    return new ToolOutput(first);
                }
                int value = Interlocked.Increment(ref _counter);
                string answer = $"counter={value}";
                if (context.IdempotencyKey is { } k)
                {
                    _keys[k] = answer;
                }
                if (value == AddBlocksAt)
                {
                    Blocked.TrySetResult();
                    await Task.Delay(Timeout.Infinite, ct);
                }
                return new ToolOutput(answer);
            },
        });
        registry.Register(new ToolDefinition
        {
            Name = "pause",
            Description = "Waits (idempotent).",
            ParametersSchema = schema.RootElement.Clone(),
            Idempotent = true,
            Run = async (_, _, ct) =>
            {
                if (Interlocked.Increment(ref _pauses) == BlockAt)
                {
                    Blocked.TrySetResult();
                    await Task.Delay(Timeout.Infinite, ct);
                }
                return new ToolOutput("paused");
            },
        });
        return registry;
    }

    /// <summary>A kernel on <paramref name="data"/> with the Reactor's durable playbook, these tools, and
    /// <paramref name="agent"/> registered as the durable agent <c>ledger</c>.</summary>
    public AgentKernel Start(string data, Func<Agent> agent, IApprover? approver = null, int maxAttempts = 3, ConcurrentQueue<ReactorEvent>? events = null, bool computer = false)
    {
        var kernel = AgentKernel.Start(new KernelOptions
        {
            DataDirectory = data,
            // Sessions without isolation: the test is about the workspace's files, not the sandbox.
            Computer = computer ? new AgentOS.Computer.ComputerOptions { UnisolatedWithKernelPrivileges = true } : null,
            Tools = Tools(),
            Approver = approver,
            Reactor = new ReactorOptions { Durable = new DurablePlaybookOptions { MaxAttempts = maxAttempts } },
        });
        if (events is not null)
        {
            kernel.Events.Subscribe<ReactorEvent>(e => events.Enqueue(e));
        }
        kernel.RegisterDurableAgent("ledger", agent);
        return kernel;
    }

    /// <summary>The run's record once <paramref name="until"/> holds of it.</summary>
    public static DurableRunRecord WaitForRun(AgentKernel kernel, Func<DurableRunRecord, bool> until)
    {
        DurableRunRecord? run = null;
        Assert.True(SpinWait.SpinUntil(() => (run = kernel.DurableRunsAsync().GetAwaiter().GetResult().SingleOrDefault()) is { } r && until(r), TimeSpan.FromSeconds(30)),
            $"the durable run reaches the expected state (last seen: {run?.State} after {run?.Attempts} attempts: {run?.Error})");
        return run!;
    }
}

/// <summary>An agent that calls <paramref name="tools"/> in order and answers their outputs joined; it faults (an
/// exception) once, on its first run, after <paramref name="faultAfter"/> steps.</summary>
internal sealed class ScriptAgent(DurableWorld world, string[] tools, int faultAfter = -1, Func<int, string>? arguments = null) : Agent
{
    public override async Task<string> RunAsync(AgentContext context, string input, CancellationToken cancellationToken = default)
    {
        int run = Interlocked.Increment(ref world.AgentRuns);
        var outputs = new List<string>();
        for (int i = 0; i < tools.Length; i++)
        {
            if (i == faultAfter && run == 1)
            {
                throw new InvalidOperationException($"agent fault after {i} steps");
            }
            // Each step its own arguments (the runaway playbook pauses an agent repeating one call), unless the test's.
            var result = await context.Action.CallAsync(tools[i], arguments?.Invoke(run) ?? $"{{\"step\":{i + 1}}}", cancellationToken: cancellationToken);
            outputs.Add(result.Output);
        }
        return string.Join(",", outputs);
    }
}
