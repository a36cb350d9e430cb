namespace AgentOS.Mcp.JsonRpc;

/// <summary>
/// What <see cref="JsonRpcReader.Parse(ReadOnlyMemory{byte})"/> found in one payload: the valid messages, and an error answer for each entry
/// that was not a valid message (a parse error answers the whole payload with id null). A batch is answered with an
/// array of the answers to its requests and its errors; a batch holding only notifications and responses gets no answer
/// at all (HTTP answers it 202).
/// </summary>
public sealed class JsonRpcPayload
{
    internal JsonRpcPayload(bool isBatch, IReadOnlyList<JsonRpcMessage> messages, IReadOnlyList<JsonRpcErrorResponse> errors)
    {
        IsBatch = isBatch;
        Messages = messages;
        Errors = errors;
    }

    /// <summary>Whether the payload was a JSON array (a batch).</summary>
    public bool IsBatch { get; }

    /// <summary>The valid messages, in payload order.</summary>
    public IReadOnlyList<JsonRpcMessage> Messages { get; }

    /// <summary>One answer for each invalid entry (parse error, invalid request), in payload order.</summary>
    public IReadOnlyList<JsonRpcErrorResponse> Errors { get; }

    /// <summary>Whether any message is a request (so the payload needs an answer besides its errors).</summary>
    public bool HasRequests
    {
        get
        {
            foreach (var message in Messages)
            {
                if (message is JsonRpcRequest)
                {
                    return true;
                }
            }
            return false;
        }
    }
}
