using System.Net.Http.Headers;
using System.Text.Json;

namespace AgentOS.Tools;

/// <summary>Turns an <see cref="HttpToolConfig"/> into a registered tool.</summary>
public static class HttpTool
{
    // One client for every HTTP tool: connections are pooled per endpoint; each call has its own timeout.
    private static readonly HttpClient Client = new() { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>The tool <paramref name="config"/> describes, timed on <paramref name="time"/>.</summary>
    /// <exception cref="ArgumentException">The config is invalid.</exception>
    public static ToolDefinition Define(HttpToolConfig config, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var clock = time ?? TimeProvider.System;
        var url = new Uri(config.Url);
        return new ToolDefinition
        {
            Name = config.Name,
            Description = config.Description,
            ParametersSchema = config.Parameters.Clone(),
            OutputSchema = config.OutputSchema?.Clone(),
            Irreversible = config.Irreversible,
            Idempotent = config.Idempotent,
            HonoursIdempotencyKey = config.IdempotencyKey,
            MaxConcurrency = config.MaxConcurrency,
            Run = (context, arguments, cancellationToken) => CallAsync(config, url, clock, context, arguments, cancellationToken),
        };
    }

    /// <summary>Registers the tool <paramref name="config"/> describes.</summary>
    public static ToolRegistry AddHttpTool(this ToolRegistry registry, HttpToolConfig config, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register(Define(config, time));
        return registry;
    }

    private static async ValueTask<ToolOutput> CallAsync(HttpToolConfig config, Uri url, TimeProvider time, ToolCallContext context, JsonElement arguments, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        foreach (var (name, value) in config.Headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        // The endpoint learns who calls (for its own logs), never from the arguments the model wrote.
        request.Headers.TryAddWithoutValidation("X-AgentOS-Agent", context.AgentId);
        if (context.IdempotencyKey is { } key)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        }
        string body = arguments.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? "{}" : arguments.GetRawText();
        request.Content = new StringContent(body, System.Text.Encoding.UTF8);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(config.TimeoutSeconds), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            using var response = await Client.SendAsync(request, linked.Token).ConfigureAwait(false);
            string text = await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return new ToolOutput($"{config.Url} answered HTTP {(int)response.StatusCode}: {text}") { IsError = true };
            }
            return new ToolOutput(text) { Structured = StructuredOf(response, text) };
        }
        catch (HttpRequestException ex)
        {
            return new ToolOutput($"Cannot reach {config.Url}: {ex.Message}") { IsError = true };
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new ToolOutput($"{config.Url} did not answer within {config.TimeoutSeconds:0.#} s.") { IsError = true };
        }
    }

    // A JSON object answer is also the structured result.
    private static JsonElement? StructuredOf(HttpResponseMessage response, string text)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/json")
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
