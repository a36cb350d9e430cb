namespace AgentOS.Llm;

/// <summary>A backend's rate limits over a sliding minute, as providers publish them. Unset means unlimited.</summary>
public sealed class LlmRateLimits
{
    /// <summary>Requests started per minute.</summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Tokens (prompt and completion) per minute: a request reserves its estimate when it starts, and is
    /// charged its actual usage when it ends.</summary>
    public int? TokensPerMinute { get; set; }
}
