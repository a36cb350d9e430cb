using AgentOS.Syscalls;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Sdk;

/// <summary>What the four modules share: the agent's id and its port.</summary>
public abstract class AgentModule
{
    private protected AgentModule(AgentContext context) => Context = context;

    /// <summary>The agent this module belongs to.</summary>
    protected AgentContext Context { get; }

    private protected ValueTask<SyscallResponse> SubmitAsync(SyscallOptions options, CancellationToken cancellationToken,
        LlmQuery? llm = null, MemoryQuery? memory = null, StorageQuery? storage = null, ToolQuery? tool = null,
        System.Threading.Channels.ChannelWriter<string>? streamTo = null) =>
        Context.Port.SubmitAsync(new SyscallRequest
        {
            AgentId = Context.AgentId,
            Llm = llm,
            Memory = memory,
            Storage = storage,
            Tool = tool,
            Priority = options.Priority,
            Deadline = options.Deadline,
            EstimatedCost = options.EstimatedCost,
            StreamTo = streamTo,
        }, cancellationToken);
}
