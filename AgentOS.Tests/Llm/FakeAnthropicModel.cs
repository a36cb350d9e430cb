using System.Text.Json;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Llm;

/// <summary>
/// A scripted "model" behind a real HTTP server speaking Anthropic's Messages format, for the backend contract tests:
/// it echoes the last user text (cut to max_tokens words), calls the first tool offered, continues a trailing
/// assistant message (a "{" prefill with the rest of a JSON object), and streams the documented event sequence.
/// </summary>
internal static class FakeAnthropicModel
{
    public static async Task Serve(RecordedRequest request, HttpExchange exchange)
    {
        var body = request.Json;
        var (text, tool) = Answer(body);
        int input = 10, output = tool is null ? Math.Max(1, text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length) : 5;
        string stop = tool is null ? "end_turn" : "tool_use";
        if (!body.TryGetProperty("stream", out var stream) || !stream.GetBoolean())
        {
            object block = tool is null
                ? new { type = "text", text }
                : new { type = "tool_use", id = "toolu_01", name = tool, input = new { city = "Paris" } };
            await exchange.RespondAsync(200, JsonSerializer.Serialize(new
            {
                id = "msg_fake", type = "message", role = "assistant", content = new[] { block }, model = body.GetProperty("model").GetString(),
                stop_reason = stop, stop_sequence = (string?)null, usage = new { input_tokens = input, output_tokens = output },
            }));
            return;
        }
        await exchange.BeginStreamAsync();
        var events = new List<(string?, string)>
        {
            ("message_start", JsonSerializer.Serialize(new { type = "message_start", message = new { id = "msg_fake", type = "message", role = "assistant", content = Array.Empty<object>(), model = body.GetProperty("model").GetString(), stop_reason = (string?)null, usage = new { input_tokens = input, output_tokens = 1 } } })),
            ("ping", """{"type": "ping"}"""),
        };
        if (tool is null)
        {
            events.Add(("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""));
            var words = text.Split(' ');
            events.AddRange(words.Select((w, i) => ((string?)"content_block_delta", JsonSerializer.Serialize(new { type = "content_block_delta", index = 0, delta = new { type = "text_delta", text = i == 0 ? w : " " + w } }))));
        }
        else
        {
            events.Add(("content_block_start", JsonSerializer.Serialize(new { type = "content_block_start", index = 0, content_block = new { type = "tool_use", id = "toolu_01", name = tool, input = new { } } })));
            events.Add(("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"city\": "}}"""));
            events.Add(("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"\"Paris\"}"}}"""));
        }
        events.Add(("content_block_stop", """{"type":"content_block_stop","index":0}"""));
        events.Add(("message_delta", JsonSerializer.Serialize(new { type = "message_delta", delta = new { stop_reason = stop, stop_sequence = (string?)null }, usage = new { output_tokens = output } })));
        events.Add(("message_stop", """{"type":"message_stop"}"""));
        await exchange.WriteEventsAsync(events);
    }

    private static (string Text, string? Tool) Answer(JsonElement body)
    {
        if (body.TryGetProperty("tools", out var tools) && tools.GetArrayLength() > 0)
        {
            return ("", tools[0].GetProperty("name").GetString());
        }
        var messages = body.GetProperty("messages").EnumerateArray().ToList();
        string Text(JsonElement message) => string.Concat(message.GetProperty("content").EnumerateArray().Where(b => b.GetProperty("type").GetString() == "text").Select(b => b.GetProperty("text").GetString()));
        if (messages[^1].GetProperty("role").GetString() == "assistant")
        {
            return Text(messages[^1]) == "{" ? ("\"colour\": \"blue\"}", null) : (" there lived a dragon who loved books.", null);
        }
        int max = body.GetProperty("max_tokens").GetInt32();
        return (string.Join(' ', Text(messages[^1]).Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(max)), null);
    }
}
