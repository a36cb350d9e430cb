using AgentOS.Memory;
using AgentOS.Scheduling;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;

namespace AgentOS.Kernel;

// What an operator changes on a running kernel (the HTTP API and its dashboard call these with the admin grant, and
// audit them): a queue's scheduling policy, and stopping an agent's runs.
public sealed partial class AgentKernel
{
    /// <summary>The queue names <see cref="SetQueuePolicy"/> and <see cref="QueueStatistics"/> take.</summary>
    public static IReadOnlyList<string> QueueNames { get; } = ["llm", "memory", "storage", "tool"];

    /// <summary>One queue's counters by name.</summary>
    /// <exception cref="InvalidRequestException">No queue has that name.</exception>
    public ResourceQueueStatistics QueueStatistics(string queue) => _queues[(int)QueueKind(queue)].Statistics;

    /// <summary>The policies a queue takes: the LLM queue also takes <c>gittins</c>.</summary>
    public static IReadOnlyList<string> PoliciesOf(string queue) =>
        QueueKind(queue) == SyscallKind.Llm ? AgentOS.Llm.LlmQueueSettings.PolicyNames : SchedulingPolicies.Names;

    /// <summary>
    /// Schedules <paramref name="queue"/> with <paramref name="policy"/> from now on: waiting syscalls move to the new
    /// policy (none lost), running ones are unaffected. The LLM queue's other settings (quanta, aging) stay.
    /// </summary>
    /// <returns>The policy it had before.</returns>
    /// <exception cref="InvalidRequestException">No queue or policy has that name.</exception>
    public string SetQueuePolicy(string queue, string policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var kind = QueueKind(queue);
        string name = policy.ToLowerInvariant();
        if (!PoliciesOf(queue).Contains(name))
        {
            throw new InvalidRequestException($"The {queue} queue takes no policy named '{policy}'; use one of: {string.Join(", ", PoliciesOf(queue))}.");
        }
        var queueObject = _queues[(int)kind];
        string before = queueObject.Statistics.Policy;
        switch (kind)
        {
            case SyscallKind.Llm:
                LlmQueue.Apply(LlmQueue.Current with { Policy = name });
                break;
            case SyscallKind.Memory:
                queueObject.SwapPolicy(SchedulingPolicies.Create(name, estimator: new MemoryCostEstimator(_memory.Store)));
                break;
            case SyscallKind.Storage:
                queueObject.SwapPolicy(SchedulingPolicies.Create(name, estimator: new StorageCostEstimator()));
                break;
            default:
                queueObject.SwapPolicy(Policy(name));
                break;
        }
        return before;
    }

    /// <summary>Cancels every run of the agent in progress (each ends with a cancellation, as a client's cancel
    /// would end it); the agent stays registered and may be run again.</summary>
    /// <returns>How many runs were cancelled.</returns>
    /// <exception cref="InvalidRequestException">No agent has that name.</exception>
    public int StopAgent(string name)
    {
        if (!_agents.TryGetValue(name, out var entry))
        {
            throw new InvalidRequestException($"No agent is named '{name}'. Registered: {string.Join(", ", _agents.Keys.Order(StringComparer.Ordinal))}.");
        }
        int stopped = 0;
        foreach (var run in entry.Runs.Keys)
        {
            try
            {
                run.Cancel();
                stopped++;
            }
            catch (ObjectDisposedException)
            {
                // The run ended between the listing and the cancel: nothing left to stop.
            }
        }
        return stopped;
    }

    private static SyscallKind QueueKind(string queue) => queue switch
    {
        "llm" => SyscallKind.Llm,
        "memory" => SyscallKind.Memory,
        "storage" => SyscallKind.Storage,
        "tool" => SyscallKind.Tool,
        _ => throw new InvalidRequestException($"No queue is named '{queue}'; the queues are {string.Join(", ", QueueNames)}."),
    };
}
