namespace AgentOS.Access;

/// <summary>
/// One syscall as the access manager sees it: who, which resource, what operation, on what.
/// </summary>
/// <param name="AgentId">The calling agent, as registered with <see cref="AccessManager.Register"/>.</param>
/// <param name="Resource">The resource class.</param>
/// <param name="Operation">The operation; it must fit the resource (<see cref="AccessOperation.Generate"/> for
/// <see cref="ResourceKind.Llm"/>, <see cref="AccessOperation.Call"/> for <see cref="ResourceKind.Tool"/>, read, write
/// or delete for memory and storage).</param>
/// <param name="Target">A tool's name; a storage path relative to the storage root (for example
/// <c>agents/alice/notes.txt</c>, see <see cref="StoragePath"/>); the id of the agent whose memory is used
/// (<see langword="null"/> means the caller's own); or an LLM backend's name (<see langword="null"/> is allowed only
/// to agents granted every backend, <c>"*"</c>).</param>
/// <param name="EstimatedTokens">Tokens charged to the token budget when the request is allowed; corrected to the
/// actual count by <see cref="AccessManager.Complete"/>.</param>
/// <param name="Irreversible">The operation cannot be undone (a tool marked so): it needs approval. Deleting storage
/// needs approval whether or not this is set.</param>
/// <param name="ActedBy">The authenticated principal making the request for <paramref name="AgentId"/> when it is not
/// that agent (an orchestrator acting for it); recorded in the audit. The agent's own grants and budgets apply.</param>
public readonly record struct AccessRequest(
    string AgentId,
    ResourceKind Resource,
    AccessOperation Operation,
    string? Target,
    int EstimatedTokens = 0,
    bool Irreversible = false,
    string? ActedBy = null)
{
    /// <summary>Whether this request needs an approver's yes: it is marked irreversible, or it deletes storage.</summary>
    public bool NeedsApproval => Irreversible || (Resource == ResourceKind.Storage && Operation == AccessOperation.Delete);

    /// <summary>For a tool call: the call's own id (<c>ToolCall.Id</c>), so an approver can tell two identical calls of
    /// one agent apart and ask about the call that really waits (the MCP server's elicitation finds its request by it).</summary>
    public string? CallId { get; init; }
}
