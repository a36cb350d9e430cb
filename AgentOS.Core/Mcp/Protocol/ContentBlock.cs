using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>One piece of content. One flat shape covers every <see cref="Type"/> (<c>text</c>, <c>image</c>, <c>audio</c>, <c>resource_link</c>, <c>resource</c>), so it reads in any member order; the factories set the members each type needs.</summary>
public sealed class ContentBlock
{
    /// <summary><c>text</c>, <c>image</c>, <c>audio</c>, <c>resource_link</c> or <c>resource</c>.</summary>
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    /// <summary>A text block's text.</summary>
    [JsonPropertyName("text")]
    public string? Text { get; init; }

    /// <summary>An image's or audio clip's bytes, base64.</summary>
    [JsonPropertyName("data")]
    public string? Data { get; init; }

    /// <summary>The media type of an image, audio clip or linked resource.</summary>
    [JsonPropertyName("mimeType")]
    public string? MimeType { get; init; }

    /// <summary>A resource link's URI.</summary>
    [JsonPropertyName("uri")]
    public string? Uri { get; init; }

    /// <summary>A resource link's name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>A resource link's display name.</summary>
    [JsonPropertyName("title")]
    public string? Title { get; init; }

    /// <summary>A resource link's description.</summary>
    [JsonPropertyName("description")]
    public string? Description { get; init; }

    /// <summary>A resource link's size in bytes.</summary>
    [JsonPropertyName("size")]
    public long? Size { get; init; }

    /// <summary>An embedded resource's contents.</summary>
    [JsonPropertyName("resource")]
    public ResourceContents? Resource { get; init; }

    /// <summary>Audience and priority hints.</summary>
    [JsonPropertyName("annotations")]
    public Annotations? Annotations { get; init; }

    /// <summary>Metadata.</summary>
    [JsonPropertyName("_meta")]
    public JsonElement? Meta { get; init; }

    /// <summary>A tool use's id (sampling with tools).</summary>
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    /// <summary>A tool use's arguments, an object.</summary>
    [JsonPropertyName("input")]
    public JsonElement? Input { get; init; }

    /// <summary>The tool use a tool result answers.</summary>
    [JsonPropertyName("toolUseId")]
    public string? ToolUseId { get; init; }

    /// <summary>A tool result's content.</summary>
    [JsonPropertyName("content")]
    public IReadOnlyList<ContentBlock>? Content { get; init; }

    /// <summary>A tool result's structured value.</summary>
    [JsonPropertyName("structuredContent")]
    public JsonElement? StructuredContent { get; init; }

    /// <summary>The tool call behind a tool result failed.</summary>
    [JsonPropertyName("isError")]
    public bool? IsError { get; init; }

    /// <summary>A text block.</summary>
    public static ContentBlock FromText(string text) => new() { Type = ContentTypes.Text, Text = text };

    /// <summary>An image block (base64 data).</summary>
    public static ContentBlock FromImage(string base64, string mimeType) => new() { Type = ContentTypes.Image, Data = base64, MimeType = mimeType };

    /// <summary>An audio block (base64 data).</summary>
    public static ContentBlock FromAudio(string base64, string mimeType) => new() { Type = ContentTypes.Audio, Data = base64, MimeType = mimeType };

    /// <summary>A link to a resource the client may read.</summary>
    public static ContentBlock FromResourceLink(string uri, string name, string? mimeType = null) =>
        new() { Type = ContentTypes.ResourceLink, Uri = uri, Name = name, MimeType = mimeType };

    /// <summary>A model's tool call (sampling with tools).</summary>
    public static ContentBlock FromToolUse(string id, string name, JsonElement input) => new() { Type = ContentTypes.ToolUse, Id = id, Name = name, Input = input };

    /// <summary>A tool's result for the model (sampling with tools).</summary>
    public static ContentBlock FromToolResult(string toolUseId, string text, bool isError) =>
        new() { Type = ContentTypes.ToolResult, ToolUseId = toolUseId, Content = [FromText(text)], IsError = isError ? true : null };

    /// <summary>An embedded resource.</summary>
    public static ContentBlock FromResource(ResourceContents resource) => new() { Type = ContentTypes.Resource, Resource = resource };
}
