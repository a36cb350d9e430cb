using System.Text.Json;

namespace AgentOS.Hosting.OpenAi;

// The request body of POST /v1/responses, as OpenAI's API reference defines it (the fields AgentOS honours; unknown
// fields are ignored). Input is a string or an array of items (messages, function calls and their outputs), read as
// JSON because its items differ in shape. The kernel keeps no responses: the whole conversation comes as input.
internal sealed class ResponsesRequest
{
    public string? Model { get; set; }

    public string? Instructions { get; set; }

    public JsonElement Input { get; set; }

    public List<ResponsesTool>? Tools { get; set; }

    public JsonElement? ToolChoice { get; set; }

    public bool Stream { get; set; }

    public int? MaxOutputTokens { get; set; }

    public double? Temperature { get; set; }

    public string? PreviousResponseId { get; set; }

    public JsonElement? Conversation { get; set; }

    public bool? ParallelToolCalls { get; set; }

    public ResponsesText? Text { get; set; }

    public Dictionary<string, string>? Metadata { get; set; }

    public string? User { get; set; }
}

// A tool of the Responses API: function tools are flat ({"type": "function", "name", "description", "parameters"}).
internal sealed class ResponsesTool
{
    public string? Type { get; set; }

    public string? Name { get; set; }

    public string? Description { get; set; }

    public JsonElement? Parameters { get; set; }

    public bool? Strict { get; set; }
}

internal sealed class ResponsesText
{
    public ResponsesTextFormat? Format { get; set; }
}

internal sealed class ResponsesTextFormat
{
    public string? Type { get; set; }
}
