using System.Text.Json;
using AgentOS.Mcp.Protocol;

namespace AgentOS.Hosting.Mcp;

/// <summary>The conformance suite's fixture resources (<c>test://...</c>), see <see cref="ConformanceFixtures"/>.</summary>
internal sealed class FixtureResources : IMcpResourceSource
{
    private const string TemplatePrefix = "test://template/";

    public IReadOnlyList<ResourceTemplate> Templates { get; } =
    [
        new ResourceTemplate { UriTemplate = "test://template/{id}/data", Name = "template", Title = "Resource Template", Description = "A resource template with parameter substitution", MimeType = "application/json" },
    ];

    private static readonly IReadOnlyList<Resource> Static =
    [
        new Resource { Uri = "test://static-text", Name = "static-text", Title = "Static Text Resource", Description = "A static text resource for testing", MimeType = "text/plain" },
        new Resource { Uri = "test://static-binary", Name = "static-binary", Title = "Static Binary Resource", Description = "A static binary resource (image) for testing", MimeType = "image/png" },
        new Resource { Uri = "test://watched-resource", Name = "watched-resource", Title = "Watched Resource", Description = "A resource clients may subscribe to", MimeType = "text/plain" },
    ];

    public bool Owns(string uri) => uri.StartsWith("test://", StringComparison.Ordinal);

    public ValueTask<IReadOnlyList<Resource>> ListAsync(McpSession session, CancellationToken cancellationToken) => ValueTask.FromResult(Static);

    public ValueTask<ReadResourceResult> ReadAsync(McpSession session, string uri, CancellationToken cancellationToken)
    {
        ResourceContents contents = uri switch
        {
            "test://static-text" => new() { Uri = uri, MimeType = "text/plain", Text = "This is the content of the static text resource." },
            "test://static-binary" => new() { Uri = uri, MimeType = "image/png", Blob = ConformanceFixtures.Png },
            "test://watched-resource" => new() { Uri = uri, MimeType = "text/plain", Text = "Watched resource content" },
            _ when uri.StartsWith(TemplatePrefix, StringComparison.Ordinal) && uri.EndsWith("/data", StringComparison.Ordinal) && TemplateId(uri) is { Length: > 0 } id =>
                new() { Uri = uri, MimeType = "application/json", Text = $$"""{"id":{{Quote(id)}},"templateTest":true,"data":{{Quote($"Data for ID: {id}")}}}""" },
            _ => throw McpSession.NotFound(uri),
        };
        return ValueTask.FromResult(new ReadResourceResult { Contents = [contents] });
    }

    private static string TemplateId(string uri) => uri[TemplatePrefix.Length..^"/data".Length];

    private static string Quote(string text) => JsonSerializer.Serialize(text, AgentOS.Serialization.AgentOSJsonContext.Default.String);
}
