using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentOS.Tools;

/// <summary>
/// A tool that is an HTTP endpoint: the kernel POSTs the call's arguments as JSON to <see cref="Url"/> and returns the
/// answer's body (a non-2xx answer is an error result the model reads). In code, or as an entry of the kernel
/// config's <c>http_tools</c> array.
/// </summary>
/// <example><code>
/// "http_tools": [ { "name": "weather.today", "description": "Today's weather in a city.", "url": "http://127.0.0.1:8080/weather",
///   "parameters": { "type": "object", "properties": { "city": { "type": "string" } }, "required": ["city"] } } ]
/// </code></example>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class HttpToolConfig
{
    /// <summary>The tool's name (as <see cref="ToolDefinition.Name"/>).</summary>
    public required string Name { get; init; }

    /// <summary>What it does, for the model.</summary>
    public required string Description { get; init; }

    /// <summary>The endpoint the arguments are POSTed to.</summary>
    public required string Url { get; init; }

    /// <summary>The JSON schema of its arguments (an object schema).</summary>
    public required JsonElement Parameters { get; init; }

    /// <summary>The JSON schema of its answer, when it answers a JSON object (it then also becomes the structured result).</summary>
    public JsonElement? OutputSchema { get; init; }

    /// <summary>Headers sent with every call (for example <c>Authorization</c>).</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    // Settings with a default are settable, not init-only: the source-generated reader sets every init-only property
    // it does not find in the JSON to 0, losing the default.
    /// <summary>Seconds a call may take (default 30).</summary>
    public double TimeoutSeconds { get; set; } = 30;

    /// <summary>Whether a call cannot be undone (calls then need approval).</summary>
    public bool Irreversible { get; init; }

    /// <summary>Whether calling twice equals calling once.</summary>
    public bool Idempotent { get; init; }

    /// <summary>Whether the endpoint honours the <c>Idempotency-Key</c> header the kernel sends with a call that has a
    /// key (a durable run's steps): a repeated key answers the first call's result without acting again.</summary>
    public bool IdempotencyKey { get; init; }

    /// <summary>How many calls may run at once (default 4).</summary>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">The message names the setting and what is allowed.</exception>
    public void Validate()
    {
        string label = $"HTTP tool '{Name}'";
        if (!(Uri.TryCreate(Url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            throw new ArgumentException($"{label}: url '{Url}' is not an http(s) URL.");
        }
        if (Parameters.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"{label}: parameters must be a JSON schema object, such as {{\"type\":\"object\",\"properties\":{{}}}}.");
        }
        if (OutputSchema is { ValueKind: not JsonValueKind.Object })
        {
            throw new ArgumentException($"{label}: output_schema must be a JSON schema object.");
        }
        if (!(TimeoutSeconds > 0) || MaxConcurrency is < 1 or > 1024)
        {
            throw new ArgumentException($"{label}: timeout_seconds must be above 0 and max_concurrency between 1 and 1024.");
        }
    }
}
