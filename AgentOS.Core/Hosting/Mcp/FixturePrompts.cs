using AgentOS.Mcp;
using AgentOS.Mcp.Protocol;

namespace AgentOS.Hosting.Mcp;

/// <summary>The conformance suite's fixture prompts, see <see cref="ConformanceFixtures"/>.</summary>
internal sealed class FixturePrompts : IMcpPromptSource
{
    public IEnumerable<Prompt> List() =>
    [
        new Prompt { Name = "test_simple_prompt", Title = "Simple Test Prompt", Description = "A simple prompt without arguments" },
        new Prompt
        {
            Name = "test_prompt_with_arguments", Title = "Prompt With Arguments", Description = "A prompt with required arguments",
            Arguments = [new PromptArgument { Name = "arg1", Description = "First test argument", Required = true }, new PromptArgument { Name = "arg2", Description = "Second test argument", Required = true }],
        },
        new Prompt
        {
            Name = "test_prompt_with_embedded_resource", Title = "Prompt With Embedded Resource", Description = "A prompt that includes an embedded resource",
            Arguments = [new PromptArgument { Name = "resourceUri", Description = "URI of the resource to embed", Required = true }],
        },
        new Prompt { Name = "test_prompt_with_image", Title = "Prompt With Image", Description = "A prompt that includes image content" },
    ];

    public GetPromptResult? Get(string name, IReadOnlyDictionary<string, string> arguments) => name switch
    {
        "test_simple_prompt" => Messages(User(ContentBlock.FromText("This is a simple prompt for testing."))),
        "test_prompt_with_arguments" => Messages(User(ContentBlock.FromText($"Prompt with arguments: arg1='{Require(arguments, "arg1")}', arg2='{Require(arguments, "arg2")}'"))),
        "test_prompt_with_embedded_resource" => Messages(
            User(ContentBlock.FromResource(new ResourceContents { Uri = Require(arguments, "resourceUri"), MimeType = "text/plain", Text = "Embedded resource content for testing." })),
            User(ContentBlock.FromText("Please process the embedded resource above."))),
        "test_prompt_with_image" => Messages(User(ContentBlock.FromImage(ConformanceFixtures.Png, "image/png")), User(ContentBlock.FromText("Please analyze the image above."))),
        _ => null,
    };

    private static string Require(IReadOnlyDictionary<string, string> arguments, string name) =>
        arguments.TryGetValue(name, out var value) ? value : throw McpException.InvalidParams($"Invalid params: this prompt needs the argument '{name}'.");

    private static PromptMessage User(ContentBlock content) => new() { Role = "user", Content = content };

    private static GetPromptResult Messages(params PromptMessage[] messages) => new() { Messages = messages };
}
