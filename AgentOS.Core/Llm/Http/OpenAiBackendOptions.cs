namespace AgentOS.Llm.Http;

/// <summary>
/// How to reach an OpenAI-compatible server (OpenAI, vLLM, Ollama, llama.cpp's server, LM Studio...). Unset values
/// come from the environment: <c>OPENAI_BASE_URL</c> and the variable named by <see cref="ApiKeyEnvironmentVariable"/>.
/// </summary>
public sealed class OpenAiBackendOptions
{
    /// <summary>The backend's name in the kernel. Default <c>openai</c>.</summary>
    public string Name { get; set; } = "openai";

    /// <summary>The API's base URL including its version segment, e.g. <c>http://127.0.0.1:11434/v1</c> for Ollama.
    /// Default: <c>OPENAI_BASE_URL</c>, else <c>https://api.openai.com/v1</c>.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>The API key, sent as a bearer token. Default: the environment variable
    /// <see cref="ApiKeyEnvironmentVariable"/>; local servers usually need none.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Where to read the API key when <see cref="ApiKey"/> is unset. Default <c>OPENAI_API_KEY</c>.</summary>
    public string ApiKeyEnvironmentVariable { get; set; } = "OPENAI_API_KEY";

    /// <summary>The chat models it serves; the first is used when a query names none. Required.</summary>
    public IReadOnlyList<string> Models { get; set; } = [];

    /// <summary>The model <c>/embeddings</c> uses; unset means the backend declares no embeddings.</summary>
    public string? EmbeddingModel { get; set; }

    /// <summary>Requests it runs at once. Default 4.</summary>
    public int Slots { get; set; } = 4;

    /// <summary>How long the server may stay silent (before answering, or between two pieces of a stream) before the
    /// call fails with a deadline error. Default 120 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>The model's context window in tokens, if known.</summary>
    public int? MaxContextTokens { get; set; }

    /// <summary>The model can call tools (default on).</summary>
    public bool ToolCalls { get; set; } = true;

    /// <summary>The server honours <c>response_format: {"type": "json_object"}</c> (default on).</summary>
    public bool JsonOutput { get; set; } = true;

    /// <summary>The server continues a trailing assistant message when asked with vLLM's
    /// <c>continue_final_message</c> (vLLM does; OpenAI does not). Default off.</summary>
    public bool ContinueFinalMessage { get; set; }

    /// <summary>The clock for timeouts and Retry-After dates. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
