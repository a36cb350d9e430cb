namespace AgentOS.Llm;

/// <summary>Embedding vectors, one per input text in input order, with the tokens the backend counted.</summary>
public sealed class LlmEmbeddings
{
    /// <summary>One vector per input, in input order.</summary>
    public required IReadOnlyList<float[]> Vectors { get; init; }

    /// <summary>Tokens read (0 when the backend does not say).</summary>
    public int PromptTokens { get; init; }

    /// <summary>The model that made them.</summary>
    public string Model { get; init; } = "";

    /// <summary>Which backend answered.</summary>
    public string Backend { get; init; } = "";
}
