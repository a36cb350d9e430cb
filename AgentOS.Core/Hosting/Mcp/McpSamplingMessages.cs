using AgentOS.Mcp.Protocol;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Hosting.Mcp;

/// <summary>
/// A kernel conversation as sampling messages (2025-11-25): user text; an assistant turn as its text and a
/// <c>tool_use</c> block per tool call; the tool messages that answer it as ONE user turn of <c>tool_result</c> blocks
/// (the spec wants tool results alone in their message, right after the tool uses they answer). System messages
/// become the request's system prompt instead.
/// </summary>
internal static class McpSamplingMessages
{
    public static IReadOnlyList<SamplingMessage> From(IReadOnlyList<ChatMessage> messages)
    {
        var result = new List<SamplingMessage>();
        List<ContentBlock>? toolResults = null;
        foreach (var message in messages)
        {
            if (message.Role == "tool")
            {
                (toolResults ??= []).Add(ContentBlock.FromToolResult(message.ToolCallId ?? "", message.Content, message.Content.StartsWith("Error: ", StringComparison.Ordinal)));
                continue;
            }
            Flush();
            if (message.Role == "user")
            {
                result.Add(new SamplingMessage { Role = "user", Content = [ContentBlock.FromText(message.Content)] });
            }
            else if (message.Role == "assistant")
            {
                var blocks = new List<ContentBlock>();
                if (message.Content.Length > 0 || message.ToolCalls is not { Count: > 0 })
                {
                    blocks.Add(ContentBlock.FromText(message.Content));
                }
                foreach (var call in message.ToolCalls ?? [])
                {
                    blocks.Add(ContentBlock.FromToolUse(call.Id ?? "", call.Name, call.Arguments));
                }
                result.Add(new SamplingMessage { Role = "assistant", Content = blocks });
            }
        }
        Flush();
        return result;

        void Flush()
        {
            if (toolResults is not null)
            {
                result.Add(new SamplingMessage { Role = "user", Content = toolResults });
                toolResults = null;
            }
        }
    }
}
