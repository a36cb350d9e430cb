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

    /// <summary>A tool call the model planned, its arguments given as JSON text. Arguments that are not a JSON object
    /// do not fail the whole answer: the call comes back with <see cref="ToolCall.MalformedArguments"/> so the agent's
    /// tool loop can tell the model and go on.</summary>
    public static ToolCall Call(string? id, string name, string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return new ToolCall(name, EmptyObject()) { Id = id };
        }
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return new ToolCall(name, document.RootElement.Clone()) { Id = id };
            }
        }
        catch (JsonException)
        {
        }
        return new ToolCall(name, EmptyObject()) { Id = id, MalformedArguments = json };
    }

    private static JsonElement EmptyObject()
    {
        using var empty = JsonDocument.Parse("{}");
        return empty.RootElement.Clone();
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
