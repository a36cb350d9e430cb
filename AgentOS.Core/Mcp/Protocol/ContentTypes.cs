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
}
