namespace AgentOS.Mcp.Protocol;

/// <summary>The values of <see cref="ContentBlock.Type"/>.</summary>
public static class ContentTypes
{
    /// <summary>Text.</summary>
    public const string Text = "text";

    /// <summary>An image, base64.</summary>
    public const string Image = "image";

    /// <summary>An audio clip, base64.</summary>
    public const string Audio = "audio";

    /// <summary>A link to a resource.</summary>
    public const string ResourceLink = "resource_link";

    /// <summary>An embedded resource.</summary>
    public const string Resource = "resource";

    /// <summary>A model's tool call inside sampling (2025-11-25): <c>id</c>, <c>name</c>, <c>input</c>.</summary>
    public const string ToolUse = "tool_use";

    /// <summary>A tool's result sent back to the model inside sampling: <c>toolUseId</c>, <c>content</c>, <c>isError</c>.</summary>
    public const string ToolResult = "tool_result";
}
