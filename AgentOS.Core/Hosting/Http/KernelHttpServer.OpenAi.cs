using System.Globalization;
using AgentOS.Hosting.Http.Transport;
using System.Text.Json;
using AgentOS.Hosting.OpenAi;
using AgentOS.Llm.Http;
using AgentOS.Serialization;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Hosting.Http;

// The OpenAI-compatible endpoint: POST /v1/chat/completions (whole or streamed), POST /v1/responses (the .Responses
// partials), POST /v1/embeddings (.Embeddings) and GET /v1/models, so any OpenAI client can use the kernel's scheduled
// backends. The bearer token's principal (an --api-key names an agent) is the
// agent the calls run as, so that agent's privilege groups, budgets and audit apply; errors come in OpenAI's error shape.
public sealed partial class KernelHttpServer
{
    private static bool IsOpenAiPath(string[] segments) => segments is ["v1", "chat", "completions"] or ["v1", "models"] or ["v1", "responses"] or ["v1", "embeddings"];

    private async Task HandleOpenAiAsync(HttpServerRequest request, HttpServerResponse response, string[] segments)
    {
        try
        {
            string agent = Authenticate(request, response, "invalid_api_key").Name;
            switch (request.HttpMethod, segments)
            {
                case ("GET", ["v1", "models"]):
                    long created = _kernel.Time.GetUtcNow().ToUnixTimeSeconds();
                    var models = new ModelList { Data = [.. ModelNames().Select(name => new ModelInfo { Id = name, Created = created })] };
                    await WriteAsync(response, 200, models, AgentOSJsonContext.Default.ModelList).ConfigureAwait(false);
                    return;
                case ("POST", ["v1", "chat", "completions"]):
                    var body = await ReadAsync(request, AgentOSJsonContext.Default.ChatCompletionRequest).ConfigureAwait(false);
                    var syscall = new SyscallRequest { AgentId = agent, Llm = ToQuery(body, CallSiteOf(request, body.Metadata, body.User)) };
                    await (body.Stream ? StreamCompletionAsync(body, syscall, response) : CompleteAsync(body, syscall, response)).ConfigureAwait(false);
                    return;
                case ("POST", ["v1", "responses"]):
                    await RespondAsync(request, response, agent).ConfigureAwait(false);
                    return;
                case ("POST", ["v1", "embeddings"]):
                    await EmbedAsync(request, response, agent).ConfigureAwait(false);
                    return;
                default:
                    throw new HttpError(405, "method_not_allowed", $"{request.HttpMethod} is not allowed on {request.Url?.AbsolutePath}.");
            }
        }
        catch (HttpError error)
        {
            await WriteOpenAiErrorAsync(response, error.Status, error.Error).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SyscallException or OperationCanceledException)
        {
            var error = SyscallError.From(ex);
            await WriteOpenAiErrorAsync(response, StatusFor(error.Code), error).ConfigureAwait(false);
        }
    }

    // Each backend by its name, then the models it serves under their own names (the router takes either).
    private IEnumerable<string> ModelNames() =>
        _kernel.Llm.Backends.Select(b => b.Name).Concat(_kernel.Llm.Backends.SelectMany(b => b.Models)).Distinct(StringComparer.Ordinal);

    private void RequireModel(string? model)
    {
        if (string.IsNullOrEmpty(model))
        {
            throw new HttpError(400, "invalid_request", "'model' is required: GET /v1/models lists the kernel's backends.");
        }
        if (!ModelNames().Contains(model, StringComparer.Ordinal))
        {
            throw new HttpError(404, "model_not_found", $"The model '{model}' does not exist here; GET /v1/models lists the kernel's backends.");
        }
    }

    private LlmQuery ToQuery(ChatCompletionRequest body, string? callSite)
    {
        RequireModel(body.Model);
        if (body.Messages is not { Count: > 0 } || body.Messages.Contains(null!))
        {
            throw new HttpError(400, "invalid_request", "'messages' must hold at least one message, and only message objects.");
        }
        if (body.Tools?.Contains(null!) == true)
        {
            throw new HttpError(400, "invalid_request", "'tools' must hold only tool objects.");
        }
        if (body.N is { } n && n != 1)
        {
            throw new HttpError(400, "invalid_request", "'n' other than 1 is not supported: send one request per choice.");
        }
        int maxTokens = body.MaxCompletionTokens ?? body.MaxTokens ?? 256;
        if (maxTokens < 1)
        {
            throw new HttpError(400, "invalid_request", "'max_completion_tokens' must be at least 1.");
        }
        if (body.Temperature is < 0 or > 2)
        {
            throw new HttpError(400, "invalid_request", "'temperature' must be between 0 and 2.");
        }
        bool toolsOff = body.ToolChoice is { ValueKind: JsonValueKind.String } choice && choice.GetString() == "none";
        return new LlmQuery
        {
            Backend = body.Model,
            Messages = [.. body.Messages.Select(ToMessage)],
            Tools = toolsOff || body.Tools is not { Count: > 0 } ? null : [.. body.Tools.Select(ToSpec)],
            JsonOutput = body.ResponseFormat?.Type is "json_object" or "json_schema",
            MaxTokens = maxTokens,
            Temperature = body.Temperature ?? 0,
            CallSite = callSite,
        };
    }

    private static ChatMessage ToMessage(ChatRequestMessage message)
    {
        string role = message.Role switch
        {
            "developer" or "system" => "system",
            "user" or "assistant" or "tool" => message.Role,
            _ => throw new HttpError(400, "invalid_request", $"Unknown message role '{message.Role}': use system, developer, user, assistant or tool."),
        };
        return new ChatMessage(role, Text(message.Content))
        {
            ToolCallId = message.ToolCallId,
            ToolCalls = message.ToolCalls is { Count: > 0 } calls ? [.. calls.Select(ToCall)] : null,
        };
    }

    // An assistant turn's earlier tool call, sent back so the model sees what it asked for.
    private static ToolCall ToCall(OpenAiToolCall? call)
    {
        if (call is null)
        {
            throw new HttpError(400, "invalid_request", "A message's 'tool_calls' must hold only tool call objects.");
        }
        try
        {
            using var arguments = JsonDocument.Parse(string.IsNullOrEmpty(call.Function?.Arguments) ? "{}" : call.Function.Arguments);
            return new ToolCall(call.Function?.Name ?? throw new HttpError(400, "invalid_request", "A tool call needs 'function.name'."), arguments.RootElement.Clone()) { Id = call.Id };
        }
        catch (JsonException ex)
        {
            throw new HttpError(400, "invalid_request", $"A tool call's 'function.arguments' must be a JSON object encoded as a string: {ex.Message}");
        }
    }

    // Content is a string, null (an assistant turn that only called tools) or an array of parts, of which the text
    // parts are joined; images and audio have no backend here to go to.
    private static string Text(JsonElement? content)
    {
        switch (content?.ValueKind)
        {
            case null or JsonValueKind.Null:
                return "";
            case JsonValueKind.String:
                return content.Value.GetString()!;
            case JsonValueKind.Array:
                var text = new System.Text.StringBuilder();
                foreach (var part in content.Value.EnumerateArray())
                {
                    if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "text" || !part.TryGetProperty("text", out var value) || value.ValueKind != JsonValueKind.String)
                    {
                        throw new HttpError(400, "invalid_request", "Only text content parts ({\"type\": \"text\", \"text\": ...}) are supported.");
                    }
                    text.Append(value.GetString());
                }
                return text.ToString();
            default:
                throw new HttpError(400, "invalid_request", "A message's 'content' must be a string, null or an array of content parts.");
        }
    }

    private static ToolSpec ToSpec(OpenAiTool tool)
    {
        if (tool.Type != "function" || string.IsNullOrEmpty(tool.Function?.Name))
        {
            throw new HttpError(400, "invalid_request", "Each tool must be {\"type\": \"function\", \"function\": {\"name\": ..., \"parameters\": ...}}.");
        }
        var parameters = tool.Function!.Parameters ?? JsonDocument.Parse("{\"type\":\"object\",\"properties\":{}}").RootElement;
        return new ToolSpec(tool.Function.Name, tool.Function.Description ?? "", parameters);
    }

    private async Task CompleteAsync(ChatCompletionRequest body, SyscallRequest syscall, HttpServerResponse response)
    {
        var result = await _kernel.Port.SubmitAsync(syscall).ConfigureAwait(false);
        var llm = result.Llm!;
        var completion = Completion(NewCompletionId(), body.Model!, "chat.completion");
        completion.Choices.Add(new ChatChoice
        {
            Message = new AssistantMessage { Role = "assistant", Content = llm.ToolCalls.Count > 0 && llm.Content.Length == 0 ? null : llm.Content, ToolCalls = ToolCalls(llm, withIndex: false) },
            FinishReason = FinishReason(llm),
        });
        completion.Usage = Usage(llm);
        await WriteAsync(response, 200, completion, AgentOSJsonContext.Default.ChatCompletion).ConfigureAwait(false);
    }

    // Headers wait for the first piece or the end: a syscall refused before it started (no key's permission, a budget,
    // an unknown backend) still gets a proper HTTP status; once pieces flow, a failure arrives as an error chunk,
    // which OpenAI's clients raise as an API error.
    private async Task StreamCompletionAsync(ChatCompletionRequest body, SyscallRequest syscall, HttpServerResponse response)
    {
        using var abandon = new CancellationTokenSource();
        var (pieces, pending) = await StartStreamAsync(syscall, response, abandon.Token).ConfigureAwait(false);
        var stream = response.OutputStream;
        try
        {
            string model = body.Model!;
            string id = NewCompletionId();
            await WriteChunkAsync(stream, Chunk(id, model, new AssistantMessage { Role = "assistant", Content = "" }, null)).ConfigureAwait(false);
            await foreach (var piece in pieces.ReadAllAsync().ConfigureAwait(false))
            {
                await WriteChunkAsync(stream, Chunk(id, model, new AssistantMessage { Content = piece }, null)).ConfigureAwait(false);
            }
            try
            {
                var result = await pending.ConfigureAwait(false);
                var llm = result.Llm!;
                if (ToolCalls(llm, withIndex: true) is { } calls)
                {
                    await WriteChunkAsync(stream, Chunk(id, model, new AssistantMessage { ToolCalls = calls }, null)).ConfigureAwait(false);
                }
                await WriteChunkAsync(stream, Chunk(id, model, new AssistantMessage(), FinishReason(llm))).ConfigureAwait(false);
                if (body.StreamOptions?.IncludeUsage == true)
                {
                    var usage = Completion(id, model, "chat.completion.chunk");
                    usage.Usage = Usage(llm);
                    await WriteChunkAsync(stream, usage).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is SyscallException or OperationCanceledException)
            {
                var error = SyscallError.From(ex);
                var bytes = JsonSerializer.SerializeToUtf8Bytes(OpenAiError(StatusFor(error.Code), error), AgentOSJsonContext.Default.OpenAiErrorBody);
                await WriteDataAsync(stream, bytes).ConfigureAwait(false);
            }
            await WriteDataAsync(stream, "[DONE]"u8.ToArray()).ConfigureAwait(false);
        }
        catch (Exception ex) when (ClientGone(ex))
        {
            await AbandonAsync(abandon, pending).ConfigureAwait(false);
        }
    }

    private static string NewCompletionId() => "chatcmpl-" + Guid.NewGuid().ToString("N");

    private ChatCompletion Completion(string id, string model, string kind) => new()
    {
        Id = id,
        Object = kind,
        Created = _kernel.Time.GetUtcNow().ToUnixTimeSeconds(),
        Model = model,
    };

    private ChatCompletion Chunk(string id, string model, AssistantMessage delta, string? finishReason)
    {
        var chunk = Completion(id, model, "chat.completion.chunk");
        chunk.Choices.Add(new ChatChoice { Delta = delta, FinishReason = finishReason });
        return chunk;
    }

    private static List<OpenAiToolCall>? ToolCalls(LlmResponse llm, bool withIndex) =>
        llm.ToolCalls.Count == 0 ? null : [.. llm.ToolCalls.Select((call, i) => new OpenAiToolCall
        {
            Index = withIndex ? i : null,
            Type = "function",
            Id = call.Id ?? "call_" + i.ToString(CultureInfo.InvariantCulture),
            Function = new OpenAiFunctionCall { Name = call.Name, Arguments = call.Arguments.ValueKind == JsonValueKind.Undefined ? "{}" : call.Arguments.GetRawText() },
        })];

    private static string FinishReason(LlmResponse llm) => llm.ToolCalls.Count > 0 ? "tool_calls" : llm.FinishReason;

    private static OpenAiUsage Usage(LlmResponse llm) =>
        new() { PromptTokens = llm.PromptTokens, CompletionTokens = llm.CompletionTokens, TotalTokens = llm.PromptTokens + llm.CompletionTokens };

    private static async Task WriteChunkAsync(Stream stream, ChatCompletion chunk) =>
        await WriteDataAsync(stream, JsonSerializer.SerializeToUtf8Bytes(chunk, AgentOSJsonContext.Default.ChatCompletion)).ConfigureAwait(false);

    private static async Task WriteDataAsync(Stream stream, byte[] data)
    {
        await stream.WriteAsync("data: "u8.ToArray()).ConfigureAwait(false);
        await stream.WriteAsync(data).ConfigureAwait(false);
        await stream.WriteAsync(SseEventEnd).ConfigureAwait(false);
        await stream.FlushAsync().ConfigureAwait(false);
    }

    private static async Task WriteOpenAiErrorAsync(HttpServerResponse response, int status, SyscallError error)
    {
        try
        {
            AddRetryAfter(response, error);
            await WriteAsync(response, status, OpenAiError(status, error), AgentOSJsonContext.Default.OpenAiErrorBody).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The client went away; nothing to tell it.
        }
    }

    // OpenAI's error types by status; the kernel's own code goes in "code" (budget_exceeded, permission_denied, ...).
    private static OpenAiErrorBody OpenAiError(int status, SyscallError error) => new()
    {
        Error = new OpenAiError
        {
            Message = error.Message,
            Type = status switch
            {
                401 => "authentication_error",
                403 => "permission_error",
                404 => "not_found_error",
                429 when error.Code == "budget_exceeded" => "insufficient_quota",
                429 => "rate_limit_error",
                >= 400 and < 500 => "invalid_request_error",
                _ => "server_error",
            },
            Code = error.Code,
        },
    };
}
