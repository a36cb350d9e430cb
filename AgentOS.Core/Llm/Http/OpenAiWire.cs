using System.Text.Json;

// The OpenAI chat-completions and embeddings wire format (as OpenAI, vLLM, Ollama, llama.cpp's server and LM Studio
// speak it), only the fields AgentOS sends or reads. Names map to snake_case through the JSON context; mutable
// setters because source-generated deserialization needs them.
namespace AgentOS.Llm.Http;

internal sealed class OpenAiChatRequest
{
    public string Model { get; set; } = "";
    public List<OpenAiMessage> Messages { get; set; } = [];
    public int? MaxTokens { get; set; }
    public double? Temperature { get; set; }
    public bool? Stream { get; set; }
    public OpenAiStreamOptions? StreamOptions { get; set; }
    public List<OpenAiTool>? Tools { get; set; }
    public OpenAiResponseFormat? ResponseFormat { get; set; }
    // vLLM's extension: continue the trailing assistant message instead of starting a new one.
    public bool? ContinueFinalMessage { get; set; }
    public bool? AddGenerationPrompt { get; set; }
}

internal sealed class OpenAiMessage
{
    public string? Role { get; set; }
    public string? Content { get; set; }
    public List<OpenAiToolCall>? ToolCalls { get; set; }
    public string? ToolCallId { get; set; }
}

internal sealed class OpenAiToolCall
{
    public int? Index { get; set; }
    public string? Id { get; set; }
    public string? Type { get; set; }
    public OpenAiFunctionCall? Function { get; set; }
}

internal sealed class OpenAiFunctionCall
{
    public string? Name { get; set; }
    public string? Arguments { get; set; }
}

internal sealed class OpenAiTool
{
    public string Type { get; set; } = "function";
    public OpenAiFunction Function { get; set; } = new();
}

internal sealed class OpenAiFunction
{
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public JsonElement? Parameters { get; set; }
}

internal sealed class OpenAiResponseFormat
{
    public string Type { get; set; } = "json_object";
}

internal sealed class OpenAiStreamOptions
{
    public bool IncludeUsage { get; set; }
}

// A whole completion, or one streamed chunk (choices carry delta instead of message).
internal sealed class OpenAiChatResponse
{
    public string? Id { get; set; }
    public string? Model { get; set; }
    public List<OpenAiChoice>? Choices { get; set; }
    public OpenAiUsage? Usage { get; set; }
    public OpenAiError? Error { get; set; }
}

internal sealed class OpenAiChoice
{
    public int Index { get; set; }
    public OpenAiMessage? Message { get; set; }
    public OpenAiMessage? Delta { get; set; }
    public string? FinishReason { get; set; }
}

internal sealed class OpenAiUsage
{
    public int PromptTokens { get; set; }
    public int CompletionTokens { get; set; }
}

internal sealed class OpenAiError
{
    public string? Message { get; set; }
    public string? Type { get; set; }
}

internal sealed class OpenAiEmbeddingRequest
{
    public string Model { get; set; } = "";
    public List<string> Input { get; set; } = [];
    public string EncodingFormat { get; set; } = "float";
}

internal sealed class OpenAiEmbeddingResponse
{
    public List<OpenAiEmbedding>? Data { get; set; }
    public string? Model { get; set; }
    public OpenAiUsage? Usage { get; set; }
}

internal sealed class OpenAiEmbedding
{
    public int Index { get; set; }
    public float[]? Embedding { get; set; }
}
