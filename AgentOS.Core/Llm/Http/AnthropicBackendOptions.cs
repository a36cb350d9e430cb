namespace AgentOS.Llm.Http;

/// <summary>How to reach Anthropic's Messages API. Unset values come from the environment: <c>ANTHROPIC_BASE_URL</c>
/// and the variable named by <see cref="ApiKeyEnvironmentVariable"/>.</summary>
public sealed class AnthropicBackendOptions
{
    /// <summary>The backend's name in the kernel. Default <c>anthropic</c>.</summary>
    public string Name { get; set; } = "anthropic";

    /// <summary>The API's root, without <c>/v1</c>. Default: <c>ANTHROPIC_BASE_URL</c>, else <c>https://api.anthropic.com</c>.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>The API key (the <c>x-api-key</c> header). Default: the environment variable <see cref="ApiKeyEnvironmentVariable"/>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Where to read the API key when <see cref="ApiKey"/> is unset. Default <c>ANTHROPIC_API_KEY</c>.</summary>
    public string ApiKeyEnvironmentVariable { get; set; } = "ANTHROPIC_API_KEY";

    /// <summary>The <c>anthropic-version</c> header. Default <c>2023-06-01</c>.</summary>
    public string ApiVersion { get; set; } = "2023-06-01";

    /// <summary>The models it serves; the first is used when a query names none. Required.</summary>
    public IReadOnlyList<string> Models { get; set; } = [];

    /// <summary>Requests it runs at once. Default 4.</summary>
    public int Slots { get; set; } = 4;

    /// <summary>How long the server may stay silent (before answering, or between two stream events) before the call
    /// fails with a deadline error. Default 120 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>The model's context window in tokens, if known.</summary>
    public int? MaxContextTokens { get; set; }

    /// <summary>The clock for timeouts and Retry-After dates. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
