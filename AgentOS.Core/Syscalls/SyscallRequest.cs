using AgentOS.Syscalls.Queries;

namespace AgentOS.Syscalls;

/// <summary>
/// What an agent asks the kernel for, as it crosses the port: who asks, the query (exactly one of the four), and the
/// scheduling hints. The same shape travels in-process and, as JSON, to a remote kernel.
/// </summary>
public sealed class SyscallRequest
{
    /// <summary>The calling agent's id.</summary>
    public required string AgentId { get; init; }

    /// <summary>An LLM call.</summary>
    public LlmQuery? Llm { get; init; }

    /// <summary>A memory operation.</summary>
    public MemoryQuery? Memory { get; init; }

    /// <summary>A storage operation.</summary>
    public StorageQuery? Storage { get; init; }

    /// <summary>Tool calls.</summary>
    public ToolQuery? Tool { get; init; }

    /// <summary>Larger runs first under the priority policy.</summary>
    public int Priority { get; init; }

    /// <summary>When the result stops being useful; the kernel reports a miss (and, where configured, rejects the
    /// syscall with <see cref="Errors.DeadlineExceededException"/> instead of running it late).</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>The caller's estimate of the work (tokens for an LLM call, bytes for storage...), for SJF.</summary>
    public double EstimatedCost { get; init; }

    /// <summary>
    /// For an LLM call: where to write the answer's text as it is generated (the SDK's <c>Planning.StreamAsync</c>
    /// sets it). Not serialized: over HTTP the pieces travel as server-sent events.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public System.Threading.Channels.ChannelWriter<string>? StreamTo { get; set; }

    /// <summary>
    /// The authenticated principal that submitted this syscall for <see cref="AgentId"/> when it is not that agent (an
    /// orchestrator acting for it); the audit records it. Set by the entry point that authenticated the caller, never
    /// read from a request body: a client cannot claim it.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? ActedBy { get; set; }

    /// <summary>Which syscall kind this is, from the query that is set.</summary>
    /// <exception cref="Errors.InvalidRequestException">No query, or more than one, is set.</exception>
    [System.Text.Json.Serialization.JsonIgnore]
    public SyscallKind Kind
    {
        get
        {
            int set = (Llm is null ? 0 : 1) + (Memory is null ? 0 : 1) + (Storage is null ? 0 : 1) + (Tool is null ? 0 : 1);
            if (set != 1)
            {
                throw new Errors.InvalidRequestException($"A syscall carries exactly one query (llm, memory, storage or tool); this one has {set}.");
            }
            return Llm is not null ? SyscallKind.Llm : Memory is not null ? SyscallKind.Memory : Storage is not null ? SyscallKind.Storage : SyscallKind.Tool;
        }
    }
}
