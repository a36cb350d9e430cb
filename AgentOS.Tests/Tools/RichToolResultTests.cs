using System.Text.Json;
using AgentOS.Kernel;
using AgentOS.Sdk;
using AgentOS.Serialization;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Tools;

namespace AgentOS.Tests.Tools;

/// <summary>Tools that know their caller and return images, files and structured values, through the kernel.</summary>
public sealed class RichToolResultTests
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];

    [Test(TimeoutSeconds = 60)]
    public async Task ACallerAwareToolReturnsItsImageAndStructuredValueThroughASyscall()
    {
        using var temp = new TempDirectory("agentos-richtool");
        var options = new KernelOptions { DataDirectory = temp.Path };
        using var schema = JsonDocument.Parse("""{"type":"object","properties":{"caller":{"type":"string"}}}""");
        using var outputSchema = JsonDocument.Parse("""{"type":"object","properties":{"caller":{"type":"string"}},"required":["caller"]}""");
        options.Tools.Register(new ToolDefinition
        {
            Name = "whoami.snap",
            Description = "Names the caller and returns a picture.",
            ParametersSchema = schema.RootElement.Clone(),
            OutputSchema = outputSchema.RootElement.Clone(),
            Run = (context, _, _) =>
            {
                using var structured = JsonDocument.Parse($$"""{"caller":"{{context.AgentId}}"}""");
                return ValueTask.FromResult(new ToolOutput($"caller {context.AgentId} call {context.CallId}")
                {
                    Content = [ToolContent.FromImage(Png, "image/png"), ToolContent.FromFile("out/report.txt", "hi"u8, "text/plain")],
                    Structured = structured.RootElement.Clone(),
                });
            },
        });
        await using var kernel = AgentKernel.Start(options);
        kernel.RegisterIdentity("alice");

        using var none = JsonDocument.Parse("{}");
        var result = await new AgentContext("alice", kernel.Port).Action.CallAsync(new ToolCall("whoami.snap", none.RootElement.Clone()) { Id = "c1" });

        Assert.Equal("caller alice call c1", result.Output);
        Assert.False(result.IsError);
        Assert.Equal(2, result.Content!.Count);
        Assert.Equal("image", result.Content[0].Type);
        Assert.SequenceEqual(Png, Convert.FromBase64String(result.Content[0].Data!));
        Assert.Equal("out/report.txt", result.Content[1].Name);
        Assert.Equal("alice", result.Structured!.Value.GetProperty("caller").GetString());

        // The same result crosses the wire (the remote port's JSON) unchanged.
        string json = JsonSerializer.Serialize(new ToolResponse { Result = result }, AgentOSJsonContext.Default.ToolResponse);
        var back = JsonSerializer.Deserialize(json, AgentOSJsonContext.Default.ToolResponse)!.Result;
        Assert.Equal("image/png", back.Content![0].MimeType);
        Assert.Equal(result.Content[0].Data, back.Content[0].Data);
        Assert.Equal("alice", back.Structured!.Value.GetProperty("caller").GetString());
    }

    [Test]
    public void ARegistrationNeedsExactlyOneImplementationAndAnObjectOutputSchema()
    {
        var registry = new ToolRegistry();
        using var schema = JsonDocument.Parse("""{"type":"object"}""");
        using var notObject = JsonDocument.Parse("[]");
        ToolHandler simple = (_, _) => ValueTask.FromResult("x");
        ToolCallHandler rich = (_, _, _) => ValueTask.FromResult(new ToolOutput("x"));

        Assert.Contains("exactly one", Assert.Throws<ArgumentException>(() => registry.Register(new ToolDefinition
        { Name = "both", Description = "d", ParametersSchema = schema.RootElement, Handler = simple, Run = rich })).Message);
        Assert.Contains("exactly one", Assert.Throws<ArgumentException>(() => registry.Register(new ToolDefinition
        { Name = "neither", Description = "d", ParametersSchema = schema.RootElement })).Message);
        Assert.Contains("output schema", Assert.Throws<ArgumentException>(() => registry.Register(new ToolDefinition
        { Name = "bad.out", Description = "d", ParametersSchema = schema.RootElement, OutputSchema = notObject.RootElement, Run = rich })).Message);
        Assert.Equal(0, registry.All.Count);

        registry.Register(new ToolDefinition { Name = "ok", Description = "d", ParametersSchema = schema.RootElement, Run = rich });
        Assert.True(registry.Unregister("ok"));
        Assert.False(registry.Unregister("ok"));
        Assert.Null(registry.Find("ok"));
    }
}
