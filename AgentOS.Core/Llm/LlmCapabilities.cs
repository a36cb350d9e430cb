namespace AgentOS.Llm;

/// <summary>
/// What an LLM backend can do, declared once by the backend. The kernel routes on it (a query with tools goes only to
/// a backend with <see cref="ToolCalls"/>), the context manager reads <see cref="MaxContextTokens"/> and
/// <see cref="Continuation"/>, and the contract tests skip exactly what a backend declares it lacks.
/// </summary>
public sealed record LlmCapabilities
{
    /// <summary>Nothing beyond plain generation (the default answer stream of <see cref="ILlmBackend.StreamAsync"/>).</summary>
    public static LlmCapabilities None { get; } = new();

    /// <summary>The model reads a conversation through a chat template (roles, system prompt); without one, only the
    /// last user message is the prompt.</summary>
    public bool ChatTemplate { get; init; }

    /// <summary>The model can answer with tool calls when a query offers tools.</summary>
    public bool ToolCalls { get; init; }

    /// <summary>The backend can constrain the answer to a JSON object (<see cref="Syscalls.Queries.LlmQuery.JsonOutput"/>).</summary>
    public bool JsonOutput { get; init; }

    /// <summary><see cref="ILlmBackend.EmbedAsync"/> works.</summary>
    public bool Embeddings { get; init; }

    /// <summary>
    /// A query whose last message is an assistant message is continued from where that message stops (the answer is
    /// only the new text), so a generation preempted mid-stream can resume from its partial text.
    /// </summary>
    public bool Continuation { get; init; }

    /// <summary><see cref="ILlmBackend.StreamAsync"/> yields the answer as it is generated, not all at once at the end.</summary>
    public bool Streaming { get; init; }

    /// <summary>The model's context window in tokens (prompt and answer together), or <see langword="null"/> when the
    /// backend does not know it (a remote model that was not configured with one).</summary>
    public int? MaxContextTokens { get; init; }

    /// <summary>The capability names this backend has, for messages and logs.</summary>
    public override string ToString()
    {
        var names = new List<string>();
        if (ChatTemplate) { names.Add("chat template"); }
        if (ToolCalls) { names.Add("tool calls"); }
        if (JsonOutput) { names.Add("JSON output"); }
        if (Embeddings) { names.Add("embeddings"); }
        if (Continuation) { names.Add("continuation"); }
        if (Streaming) { names.Add("streaming"); }
        names.Add(MaxContextTokens is { } max ? $"context {max} tokens" : "context unknown");
        return string.Join(", ", names);
    }
}
