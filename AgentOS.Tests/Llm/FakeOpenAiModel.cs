using System.Text.Json;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Llm;

/// <summary>
/// A scripted "model" behind a real HTTP server speaking OpenAI's wire format, for the backend contract tests: it
/// echoes the last user message (cut to max_tokens words), calls the first tool offered, answers JSON when asked,
/// continues a trailing assistant message under continue_final_message, and embeds texts deterministically.
/// </summary>
internal static class FakeOpenAiModel
{
    public static async Task Serve(RecordedRequest request, HttpExchange exchange)
    {
        var body = request.Json;
        if (request.Path.EndsWith("/embeddings", StringComparison.Ordinal))
        {
            var data = body.GetProperty("input").EnumerateArray().Select((input, i) =>
                new { index = i, @object = "embedding", embedding = Embed(input.GetString()!) });
            await exchange.RespondAsync(200, JsonSerializer.Serialize(new { @object = "list", data, model = body.GetProperty("model").GetString(), usage = new { prompt_tokens = 8, total_tokens = 8 } }));
            return;
        }
        var (content, tool) = Answer(body);
        int promptTokens = body.GetProperty("messages").EnumerateArray().Sum(m => Words(m.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : "").Length);
        int completionTokens = tool is null ? Words(content).Length : 5;
        string finish = tool is not null ? "tool_calls" : "stop";
        if (!body.TryGetProperty("stream", out var stream) || !stream.GetBoolean())
        {
            object message = tool is null
                ? new { role = "assistant", content }
                : new { role = "assistant", content = (string?)null, tool_calls = new[] { new { id = "call_1", type = "function", function = new { name = tool, arguments = "{\"city\": \"Paris\"}" } } } };
            await exchange.RespondAsync(200, JsonSerializer.Serialize(new
            {
                id = "chatcmpl-fake", @object = "chat.completion", model = body.GetProperty("model").GetString(),
                choices = new[] { new { index = 0, message, finish_reason = finish } },
                usage = new { prompt_tokens = promptTokens, completion_tokens = completionTokens, total_tokens = promptTokens + completionTokens },
            }));
            return;
        }
        await exchange.BeginStreamAsync();
        var chunks = new List<object> { Chunk(new { role = "assistant", content = "" }) };
        if (tool is not null)
        {
            chunks.Add(Chunk(new { tool_calls = new[] { new { index = 0, id = "call_1", type = "function", function = new { name = tool, arguments = "" } } } }));
            chunks.Add(Chunk(new { tool_calls = new[] { new { index = 0, function = new { arguments = "{\"city\":" } } } }));
            chunks.Add(Chunk(new { tool_calls = new[] { new { index = 0, function = new { arguments = " \"Paris\"}" } } } }));
        }
        chunks.AddRange(Pieces(content).Select(piece => Chunk(new { content = piece })));
        chunks.Add(new { id = "chatcmpl-fake", @object = "chat.completion.chunk", choices = new[] { new { index = 0, delta = new { }, finish_reason = finish } } });
        chunks.Add(new { id = "chatcmpl-fake", @object = "chat.completion.chunk", choices = Array.Empty<object>(), usage = new { prompt_tokens = promptTokens, completion_tokens = completionTokens, total_tokens = promptTokens + completionTokens } });
        await exchange.WriteEventsAsync(chunks.Select(c => ((string?)null, JsonSerializer.Serialize(c))).Append((null, "[DONE]")));
    }

    private static object Chunk(object delta) =>
        new { id = "chatcmpl-fake", @object = "chat.completion.chunk", choices = new[] { new { index = 0, delta, finish_reason = (string?)null } } };

    private static (string Content, string? Tool) Answer(JsonElement body)
    {
        if (body.TryGetProperty("tools", out var tools) && tools.GetArrayLength() > 0)
        {
            return ("", tools[0].GetProperty("function").GetProperty("name").GetString());
        }
        if (body.TryGetProperty("response_format", out var format) && format.GetProperty("type").GetString() == "json_object")
        {
            return ("{\"colour\": \"blue\"}", null);
        }
        var messages = body.GetProperty("messages").EnumerateArray().ToList();
        if (messages[^1].GetProperty("role").GetString() == "assistant" && body.TryGetProperty("continue_final_message", out var continuing) && continuing.GetBoolean())
        {
            return (" there lived a dragon who loved books.", null);
        }
        var last = messages.Last(m => m.GetProperty("role").GetString() == "user").GetProperty("content").GetString()!;
        int max = body.TryGetProperty("max_tokens", out var m) ? m.GetInt32() : int.MaxValue;
        return (string.Join(' ', Words(last).Take(max)), null);
    }

    private static string[] Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static IEnumerable<string> Pieces(string content)
    {
        var words = Words(content);
        return words.Select((w, i) => i == 0 ? w : " " + w);
    }

    // Letter counts folded into 8 dimensions: deterministic, different for different texts.
    private static float[] Embed(string text)
    {
        var vector = new float[8];
        foreach (char c in text)
        {
            vector[c % 8] += 1;
        }
        return vector;
    }
}
