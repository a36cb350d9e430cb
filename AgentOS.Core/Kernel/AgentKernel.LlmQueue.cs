using AgentOS.Llm;
using AgentOS.Syscalls;

namespace AgentOS.Kernel;

public sealed partial class AgentKernel
{
    private LlmQueueControl? _llmQueue;

    /// <summary>The LLM queue's settings (policy and parameters), readable and replaceable while the kernel runs: the
    /// face the self-improving loop and operators change it through.</summary>
    public LlmQueueControl LlmQueue => LazyInitializer.EnsureInitialized(ref _llmQueue, () => new LlmQueueControl(_queues[(int)SyscallKind.Llm], Llm, LlmEstimator, new LlmQueueSettings
    {
        Policy = _options.LlmPolicy.ToLowerInvariant(),
        Quantum = _options.LlmQuantum,
        ServiceQuantum = _options.LlmServiceQuantum,
    }));
}
