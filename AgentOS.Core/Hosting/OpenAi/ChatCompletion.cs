using System.Text.Json.Serialization;
using AgentOS.Llm.Http;

namespace AgentOS.Hosting.OpenAi;

// The response of POST /v1/chat/completions (object "chat.completion") and its streamed chunks
// (object "chat.completion.chunk"), as OpenAI's API reference defines them.
internal sealed class ChatCompletion
{
    [JsonPropertyName("id")]
    public required string Id { get; set; }

    [JsonPropertyName("object")]
    public required string Object { get; set; }

    [JsonPropertyName("created")]
    public long Created { get; set; }

    [JsonPropertyName("model")]
    public required string Model { get; set; }

    [JsonPropertyName("system_fingerprint")]
    public string SystemFingerprint { get; set; } = "agentos";

    [JsonPropertyName("choices")]
    public List<ChatChoice> Choices { get; set; } = [];

    [JsonPropertyName("usage")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OpenAiUsage? Usage { get; set; }
}

internal sealed class ChatChoice
{
    [JsonPropertyName("index")]
    public int Index { get; set; }

    // Whole responses carry "message"; chunks carry "delta".
    [JsonPropertyName("message")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public AssistantMessage? Message { get; set; }

    [JsonPropertyName("delta")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public AssistantMessage? Delta { get; set; }

    // Null while a stream runs; OpenAI writes the null, and so does this (the context's default omits nulls).
    [JsonPropertyName("finish_reason")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? FinishReason { get; set; }
}

internal sealed class AssistantMessage
{
    [JsonPropertyName("role")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Role { get; set; }

    // Null when the assistant only calls tools.
    [JsonPropertyName("content")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Content { get; set; }

    [JsonPropertyName("tool_calls")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<OpenAiToolCall>? ToolCalls { get; set; }
}

// GET /v1/models.
internal sealed class ModelList
{
    [JsonPropertyName("object")]
    public string Object { get; set; } = "list";

    [JsonPropertyName("data")]
    public List<ModelInfo> Data { get; set; } = [];
}

internal sealed class ModelInfo
{
    [JsonPropertyName("id")]
    public required string Id { get; set; }

    [JsonPropertyName("object")]
    public string Object { get; set; } = "model";

    [JsonPropertyName("created")]
    public long Created { get; set; }

    [JsonPropertyName("owned_by")]
    public string OwnedBy { get; set; } = "agentos";
}

// OpenAI's error shape: {"error": {"message", "type", "param", "code"}}.
internal sealed class OpenAiErrorBody
{
    [JsonPropertyName("error")]
    public required OpenAiError Error { get; set; }
}
