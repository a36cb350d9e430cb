using System.Text.Json;

// Anthropic's Messages API wire format, only the fields AgentOS sends or reads: requests, responses and the streamed
// events (message_start, content_block_start/delta/stop, message_delta, message_stop, ping, error). Mutable setters
// because source-generated deserialization needs them.
namespace AgentOS.Llm.Http;

internal sealed class AnthropicRequest
{
    public string Model { get; set; } = "";
    public int MaxTokens { get; set; }
    public string? System { get; set; }
    public List<AnthropicMessage> Messages { get; set; } = [];
    public List<AnthropicTool>? Tools { get; set; }
    public double? Temperature { get; set; }
    public bool? Stream { get; set; }
}

internal sealed class AnthropicMessage
{
    public string Role { get; set; } = "";
    public List<AnthropicBlock> Content { get; set; } = [];
}

// One content block (text, tool_use, tool_result), in a request, a response or a content_block_start event.
internal sealed class AnthropicBlock
{
    public string Type { get; set; } = "";
    public string? Text { get; set; }
    public string? Id { get; set; }
    public string? Name { get; set; }
    public JsonElement? Input { get; set; }
    public string? ToolUseId { get; set; }
    public string? Content { get; set; }
}

internal sealed class AnthropicTool
{
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public JsonElement InputSchema { get; set; }
}

internal sealed class AnthropicResponse
{
    public string? Id { get; set; }
    public string? Model { get; set; }
    public List<AnthropicBlock>? Content { get; set; }
    public string? StopReason { get; set; }
    public AnthropicUsage? Usage { get; set; }
}

internal sealed class AnthropicUsage
{
    public int? InputTokens { get; set; }
    public int? OutputTokens { get; set; }
}

internal sealed class AnthropicEvent
{
    public string? Type { get; set; }
    public AnthropicResponse? Message { get; set; }
    public int Index { get; set; }
    public AnthropicBlock? ContentBlock { get; set; }
    public AnthropicDelta? Delta { get; set; }
    public AnthropicUsage? Usage { get; set; }
    public AnthropicError? Error { get; set; }
}

// content_block_delta's delta (text_delta, input_json_delta) or message_delta's (stop_reason).
internal sealed class AnthropicDelta
{
    public string? Type { get; set; }
    public string? Text { get; set; }
    public string? PartialJson { get; set; }
    public string? StopReason { get; set; }
}

internal sealed class AnthropicError
{
    public string? Type { get; set; }
    public string? Message { get; set; }
}
