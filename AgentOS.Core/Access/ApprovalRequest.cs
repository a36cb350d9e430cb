namespace AgentOS.Access;

/// <summary>An irreversible request waiting for an <see cref="IApprover"/>'s decision.</summary>
/// <param name="Id">Unique within the access manager; approval endpoints approve or deny by it.</param>
/// <param name="Request">What the agent wants to do.</param>
/// <param name="RequestedAt">When the manager asked (on its clock).</param>
public sealed record ApprovalRequest(long Id, AccessRequest Request, DateTimeOffset RequestedAt)
{
    /// <summary>What the request is about when it is not an agent's operation (the Reactor escalating a case); it
    /// replaces the generated description.</summary>
    public string? Summary { get; init; }

    /// <summary>One line for a human: who wants to do what to which target (hostile characters escaped).</summary>
    public string Describe()
    {
        if (Summary is not null)
        {
            return $"{Summary} (request #{Id})";
        }
        string target = Request.Target is null ? "" : $" '{StoragePath.Escape(Request.Target)}'";
        string what = Request.Resource switch
        {
            ResourceKind.Tool => $"call tool{target}",
            ResourceKind.Storage => $"{Verb(Request.Operation)} storage{target}",
            ResourceKind.Memory => $"{Verb(Request.Operation)} the memory of{(Request.Target is null ? " itself" : target)}",
            _ => $"{Verb(Request.Operation)} with LLM backend{target}",
        };
        return $"agent '{Request.AgentId}' wants to {what} (irreversible; request #{Id})";
    }

    private static string Verb(AccessOperation operation) => operation switch
    {
        AccessOperation.Read => "read",
        AccessOperation.Write => "write",
        AccessOperation.Delete => "delete",
        AccessOperation.Call => "call",
        _ => "generate",
    };
}
