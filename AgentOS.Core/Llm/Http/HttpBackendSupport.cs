using System.Text.Json;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Llm.Http;

/// <summary>Checks and choices both HTTP backends make the same way.</summary>
internal static class HttpBackendSupport
{
    /// <summary>The model a query runs on: the one it names when the backend serves it, else the backend's first.</summary>
    public static string Model(LlmQuery query, string backend, IReadOnlyList<string> models)
    {
        if (query.Backend is { } named && models.Contains(named, StringComparer.Ordinal))
        {
            return named;
        }
        return models.Count > 0 ? models[0]
            : throw new InvalidRequestException($"The LLM backend '{backend}' has no model configured; set its models (the first is the default).");
    }

    /// <summary>Refuses, before sending anything, a query that needs what the backend does not declare.</summary>
    public static void Require(LlmQuery query, string backend, LlmCapabilities capabilities)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Messages is null || query.Messages.Count == 0)
        {
            throw new InvalidRequestException("An LLM query needs at least one message.");
        }
        if (query.Tools is { Count: > 0 } && !capabilities.ToolCalls)
        {
            throw new CapabilityNotSupportedException($"The LLM backend '{backend}' is not configured for tool calls; route tool planning to a backend that declares them.");
        }
        if (query.JsonOutput && !capabilities.JsonOutput)
        {
            throw new CapabilityNotSupportedException($"The LLM backend '{backend}' is not configured for JSON output; route the query to a backend that declares it.");
        }
        if (query.Messages[^1].Role == "assistant" && !capabilities.Continuation)
        {
            throw new CapabilityNotSupportedException($"The LLM backend '{backend}' cannot continue a partial assistant message; end the conversation with a user message, or use a backend that declares continuation.");
        }
    }

    /// <summary>Tool arguments the model wrote as JSON text.</summary>
    public static JsonElement Arguments(string? json, string backend, string tool)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            using var empty = JsonDocument.Parse("{}");
            return empty.RootElement.Clone();
        }
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new BackendFailedException($"The model behind '{backend}' called tool '{tool}' with arguments that are not JSON ({ex.Message}); ask again or use a stronger model.", ex);
        }
    }

    /// <summary>The base URL from options, else the environment, else the provider's public endpoint.</summary>
    public static Uri BaseUri(string? configured, string environmentVariable, string fallback, string backend)
    {
        var text = !string.IsNullOrWhiteSpace(configured) ? configured : Environment.GetEnvironmentVariable(environmentVariable) is { Length: > 0 } env ? env : fallback;
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new ArgumentException($"The LLM backend '{backend}' has base URL '{text}', which is not an http(s) URL.");
    }
}
