using System.Globalization;
using System.Text.Json;
using AgentOS.Hosting.Http.Transport;
using AgentOS.Hosting.OpenAi;
using AgentOS.Llm.Http;
using AgentOS.Serialization;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Hosting.Http;

// POST /v1/responses, OpenAI's Responses API (the OpenAI Agents SDK's default): function tools, whole or streamed as
// the Responses event types. Stateless: the kernel stores no response, so the client sends the whole conversation as
// input items (messages, its function calls and their outputs), as the Agents SDK does unless told to chain by id.
// One request is one LLM syscall of the bearer's agent, like a chat completion.
public sealed partial class KernelHttpServer
{
    private async Task RespondAsync(HttpServerRequest request, HttpServerResponse response, string agent)
    {
        var body = await ReadAsync(request, AgentOSJsonContext.Default.ResponsesRequest).ConfigureAwait(false);
        var syscall = new SyscallRequest { AgentId = agent, Llm = ToQuery(body, CallSiteOf(request, body.Metadata, body.User)) };
        await (body.Stream ? StreamResponseAsync(body, syscall, response) : CompleteResponseAsync(body, syscall, response)).ConfigureAwait(false);
    }

    private LlmQuery ToQuery(ResponsesRequest body, string? callSite)
    {
        RequireModel(body.Model);
        if (body.PreviousResponseId is not null || body.Conversation is { ValueKind: not JsonValueKind.Null })
        {
            throw new HttpError(400, "invalid_request", "'previous_response_id' and 'conversation' are not supported: this server stores no responses. Send the whole conversation as 'input' (the Agents SDK does unless told to chain responses).");
        }
        int maxTokens = body.MaxOutputTokens ?? 256;
        if (maxTokens < 1)
        {
            throw new HttpError(400, "invalid_request", "'max_output_tokens' must be at least 1.");
        }
        if (body.Temperature is < 0 or > 2)
        {
            throw new HttpError(400, "invalid_request", "'temperature' must be between 0 and 2.");
        }
        var messages = new List<ChatMessage>();
        if (!string.IsNullOrEmpty(body.Instructions))
        {
            messages.Add(ChatMessage.System(body.Instructions));
        }
        AddInput(messages, body.Input);
        bool toolsOff = body.ToolChoice is { ValueKind: JsonValueKind.String } choice && choice.GetString() == "none";
        return new LlmQuery
        {
            Backend = body.Model,
            Messages = messages,
            Tools = toolsOff || body.Tools is not { Count: > 0 } ? null : [.. body.Tools.Select(ToSpec)],
            JsonOutput = body.Text?.Format?.Type is "json_object" or "json_schema",
            MaxTokens = maxTokens,
            Temperature = body.Temperature ?? 0,
            CallSite = callSite,
        };
    }

    // Input items become the conversation: a function call joins the assistant turn before it (so a turn's text and
    // its calls travel together, as chat models expect), and a function call output becomes a tool message.
    private static void AddInput(List<ChatMessage> messages, JsonElement input)
    {
        if (input.ValueKind == JsonValueKind.String)
        {
            messages.Add(ChatMessage.User(input.GetString()!));
            return;
        }
        if (input.ValueKind != JsonValueKind.Array || input.GetArrayLength() == 0)
        {
            throw new HttpError(400, "invalid_request", "'input' must be a string or a non-empty array of input items.");
        }
        bool joinable = false; // whether the last message is an assistant turn that later function calls may join
        foreach (var item in input.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new HttpError(400, "invalid_request", "Each input item must be an object.");
            }
            string type = String(item, "type") ?? "message";
            switch (type)
            {
                case "message":
                    var message = ToMessage(new ChatRequestMessage { Role = String(item, "role"), Content = item.TryGetProperty("content", out var content) ? ItemContent(content) : null });
                    messages.Add(message);
                    joinable = message.Role == "assistant";
                    break;
                case "function_call":
                    var call = HttpBackendSupport.Call(Required(item, "call_id"), Required(item, "name"), String(item, "arguments"));
                    if (joinable)
                    {
                        var turn = messages[^1];
                        messages[^1] = turn with { ToolCalls = [.. turn.ToolCalls ?? [], call] };
                    }
                    else
                    {
                        messages.Add(new ChatMessage("assistant", "") { ToolCalls = [call] });
                        joinable = true;
                    }
                    break;
                case "function_call_output":
                    string output = item.TryGetProperty("output", out var value) ? Text(ItemContent(value)) : "";
                    messages.Add(new ChatMessage("tool", output) { ToolCallId = Required(item, "call_id") });
                    joinable = false;
                    break;
                case "reasoning":
                    break; // a reasoning model's summary of its thinking: nothing a backend here reads
                default:
                    throw new HttpError(400, "invalid_request", $"Input items of type '{type}' are not supported: send messages, function_call and function_call_output items.");
            }
        }
    }

    // Responses content parts (input_text, output_text) read as chat text parts.
    private static JsonElement ItemContent(JsonElement content)
    {
        if (content.ValueKind != JsonValueKind.Array)
        {
            return content;
        }
        var parts = new List<string>();
        foreach (var part in content.EnumerateArray())
        {
            string? kind = part.ValueKind == JsonValueKind.Object ? String(part, "type") : null;
            if (kind is not ("input_text" or "output_text" or "text") || String(part, "text") is not { } text)
            {
                throw new HttpError(400, "invalid_request", $"Only text content parts (input_text, output_text) are supported, not '{kind}'.");
            }
            parts.Add(text);
        }
        return JsonSerializer.SerializeToElement(string.Concat(parts), AgentOSJsonContext.Default.String);
    }

    private static string? String(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Required(JsonElement item, string name) =>
        String(item, name) ?? throw new HttpError(400, "invalid_request", $"A '{String(item, "type")}' input item needs '{name}'.");

    private static ToolSpec ToSpec(ResponsesTool tool)
    {
        if (tool is null || tool.Type != "function" || string.IsNullOrEmpty(tool.Name))
        {
            throw new HttpError(400, "invalid_request", $"Only function tools are supported here ({{\"type\": \"function\", \"name\": ..., \"parameters\": ...}}), not '{tool?.Type}'.");
        }
        return ToSpec(new OpenAiTool { Type = "function", Function = new OpenAiFunction { Name = tool.Name, Description = tool.Description, Parameters = tool.Parameters } });
    }

    private async Task CompleteResponseAsync(ResponsesRequest body, SyscallRequest syscall, HttpServerResponse response)
    {
        var result = await _kernel.Port.SubmitAsync(syscall).ConfigureAwait(false);
        var finished = NewResponse(body, "resp_" + Guid.NewGuid().ToString("N"));
        Finish(finished, result.Llm!);
        await WriteAsync(response, 200, finished, AgentOSJsonContext.Default.ResponseObject).ConfigureAwait(false);
    }

    private ResponseObject NewResponse(ResponsesRequest body, string id) => new()
    {
        Id = id,
        CreatedAt = _kernel.Time.GetUtcNow().ToUnixTimeSeconds(),
        Status = "in_progress",
        Model = body.Model!,
        Instructions = body.Instructions,
        ParallelToolCalls = body.ParallelToolCalls ?? true,
        ToolChoice = body.ToolChoice,
        Tools = body.Tools ?? [],
        MaxOutputTokens = body.MaxOutputTokens,
        Temperature = body.Temperature,
        Metadata = body.Metadata ?? [],
    };

    // The answer's text as one message item, then one function_call item per planned call; "incomplete" when the
    // token limit cut the answer.
    private static void Finish(ResponseObject response, LlmResponse llm)
    {
        if (llm.Content.Length > 0 || llm.ToolCalls.Count == 0)
        {
            response.Output.Add(MessageItem(response.Id, llm.Content));
        }
        response.Output.AddRange(llm.ToolCalls.Select((call, i) => CallItem(response.Id, call, i)));
        bool cut = llm.FinishReason == "length" && llm.ToolCalls.Count == 0;
        response.Status = cut ? "incomplete" : "completed";
        response.IncompleteDetails = cut ? new ResponseIncompleteDetails { Reason = "max_output_tokens" } : null;
        response.Usage = new ResponseUsage { InputTokens = llm.PromptTokens, OutputTokens = llm.CompletionTokens, TotalTokens = llm.PromptTokens + llm.CompletionTokens };
    }

    // Item ids derive from the response's, so a stream's announced items and its final response agree.
    private static ResponseItem MessageItem(string responseId, string text) => new()
    {
        Type = "message",
        Id = "msg_" + responseId[5..],
        Role = "assistant",
        Content = [new ResponseContentPart { Text = text }],
    };

    private static ResponseItem CallItem(string responseId, ToolCall call, int index) => new()
    {
        Type = "function_call",
        Id = string.Create(CultureInfo.InvariantCulture, $"fc_{responseId[5..]}_{index}"),
        CallId = call.Id ?? string.Create(CultureInfo.InvariantCulture, $"call_{responseId[5..]}_{index}"),
        Name = call.Name,
        Arguments = ArgumentsText(call),
    };

    // A call's arguments as the model wrote them: malformed ones are passed on unchanged, for the client to answer.
    private static string ArgumentsText(ToolCall call) =>
        call.MalformedArguments ?? (call.Arguments.ValueKind == JsonValueKind.Undefined ? "{}" : call.Arguments.GetRawText());
}
