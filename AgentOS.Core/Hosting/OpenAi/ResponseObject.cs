using System.Text.Json;

namespace AgentOS.Hosting.OpenAi;

// The response of POST /v1/responses (object "response"), whole or as carried by the streamed events.
internal sealed class ResponseObject
{
    public required string Id { get; set; }

    public string Object { get; set; } = "response";

    public long CreatedAt { get; set; }

    // "in_progress" while streaming, then "completed", "incomplete" (the token limit cut the answer) or "failed".
    public required string Status { get; set; }

    public required string Model { get; set; }

    public List<ResponseItem> Output { get; set; } = [];

    public ResponseUsage? Usage { get; set; }

    public ResponseError? Error { get; set; }

    public ResponseIncompleteDetails? IncompleteDetails { get; set; }

    public string? Instructions { get; set; }

    public bool ParallelToolCalls { get; set; } = true;

    public JsonElement? ToolChoice { get; set; }

    public List<ResponsesTool> Tools { get; set; } = [];

    public int? MaxOutputTokens { get; set; }

    public double? Temperature { get; set; }

    public Dictionary<string, string> Metadata { get; set; } = [];
}

// An output item: an assistant "message" with output_text parts, or a "function_call".
internal sealed class ResponseItem
{
    public required string Type { get; set; }

    public required string Id { get; set; }

    public string Status { get; set; } = "completed";

    public string? Role { get; set; }

    public List<ResponseContentPart>? Content { get; set; }

    public string? CallId { get; set; }

    public string? Name { get; set; }

    public string? Arguments { get; set; }
}

internal sealed class ResponseContentPart
{
    public string Type { get; set; } = "output_text";

    public string Text { get; set; } = "";

    public List<JsonElement> Annotations { get; set; } = [];
}

internal sealed class ResponseUsage
{
    public int InputTokens { get; set; }

    public ResponseInputTokensDetails InputTokensDetails { get; set; } = new();

    public int OutputTokens { get; set; }

    public ResponseOutputTokensDetails OutputTokensDetails { get; set; } = new();

    public int TotalTokens { get; set; }
}

internal sealed class ResponseInputTokensDetails
{
    public int CachedTokens { get; set; }
}

internal sealed class ResponseOutputTokensDetails
{
    public int ReasoningTokens { get; set; }
}

internal sealed class ResponseError
{
    public required string Code { get; set; }

    public required string Message { get; set; }
}

internal sealed class ResponseIncompleteDetails
{
    public required string Reason { get; set; }
}

// One server-sent event of a streamed response; which fields it carries depends on its type
// (response.created, response.output_item.added, response.output_text.delta, response.completed, ...).
internal sealed class ResponseStreamEvent
{
    public required string Type { get; set; }

    public int SequenceNumber { get; set; }

    public ResponseObject? Response { get; set; }

    public int? OutputIndex { get; set; }

    public int? ContentIndex { get; set; }

    public string? ItemId { get; set; }

    public ResponseItem? Item { get; set; }

    public ResponseContentPart? Part { get; set; }

    public string? Delta { get; set; }

    public string? Text { get; set; }

    public string? Arguments { get; set; }

    public List<JsonElement>? Logprobs { get; set; }
}
