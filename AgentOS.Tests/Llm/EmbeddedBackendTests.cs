using AgentOS.Kernel;
using AgentOS.Llm.Embedded;
using AgentOS.Sdk;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Llm;

/// <summary>The embedded engine as the kernel's LLM backend, and the demo that runs on it.</summary>
[RequiresShared("data/models/stories260K.bin")]
[RequiresShared("data/models/tok512.bin")]
public sealed class EmbeddedBackendTests
{
    private static EmbeddedLlmBackend Backend() =>
        new(RepoPaths.Shared("data/models/stories260K.bin"), RepoPaths.Shared("data/models/tok512.bin"));

    [Test]
    public async Task AnAgentGetsRunCsContinuationThroughTheKernelWholeOrStreamed()
    {
        using var temp = new TempDirectory("agentos-embedded");
        await using var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = temp.Path, LlmBackends = [Backend()] });
        kernel.RegisterIdentity("teller");
        var context = new AgentContext("teller", kernel.Port);
        var query = new LlmQuery { Messages = [ChatMessage.User("The sun was shining and")], MaxTokens = 12 };

        var whole = await context.Planning.QueryAsync(query);
        // llama2.c's run.c, -t 0 -i "The sun was shining and": "... and the sky was very shiny. It was a big, ..."
        Assert.True(whole.Content.StartsWith(" the sky was very shiny.", StringComparison.Ordinal), whole.Content);
        Assert.Equal(12, whole.CompletionTokens);
        Assert.Equal("length", whole.FinishReason);
        Assert.Equal("embedded", whole.Backend);

        var pieces = new List<string>();
        await foreach (var piece in context.Planning.StreamAsync("The sun was shining and"))
        {
            pieces.Add(piece);
        }
        Assert.True(pieces.Count > 12, "a streamed answer arrives token by token");
        Assert.True(string.Concat(pieces).StartsWith(whole.Content, StringComparison.Ordinal), string.Concat(pieces));
    }

    [Test]
    public void TheConfigFileNamesTheEmbeddedBackendAndItsFiles()
    {
        var config = KernelConfig.Parse($$"""
            { "llm_backends": [ { "type": "embedded", "name": "tiny", "slots": 2,
                "model_path": "{{RepoPaths.Shared("data/models/stories260K.bin")}}", "tokenizer_path": "{{RepoPaths.Shared("data/models/tok512.bin")}}" } ] }
            """);
        var backend = config.ToOptions().LlmBackends!.Single();
        Assert.Equal("tiny", backend.Name);
        Assert.Equal(2, backend.Slots);
        var missing = Assert.Throws<KernelConfigException>(() => KernelConfig.Parse("""{ "llm_backends": [ { "type": "embedded" } ] }"""));
        Assert.Contains("needs model_path and tokenizer_path", missing.Message);
    }

    [Test(TimeoutSeconds = 120)]
    public async Task TheDemoRunsStorytellersThroughTheKernel()
    {
        using var demo = ChildProcess.StartDotnet(RepoPaths.CoreDll, ["demo", "--agents", "3"], workingDirectory: RepoPaths.Root);
        Assert.Equal(0, await demo.WaitForExitAsync(TimeSpan.FromSeconds(100)), demo.Stderr);
        Assert.Contains("embedded llama2.c engine", demo.Stdout);
        Assert.Contains("[agent-00000] Once upon a time, a little dog named Max", demo.Stdout);
        Assert.Contains("[agent-00002] Tom and Sam went to the park.", demo.Stdout);
        Assert.Contains("syscalls completed (sjf): llm 6, memory 6, storage 3, tool 3", demo.Stdout);
    }

    [Test]
    public async Task TheDemoWithoutAModelSaysWhereToGetOne()
    {
        using var temp = new TempDirectory("agentos-demo-nomodel");
        using var demo = ChildProcess.StartDotnet(RepoPaths.CoreDll, ["demo", "--backend", "embedded"], workingDirectory: temp.Path,
            environment: new Dictionary<string, string?> { [AgentOS.Llm.Simulation.LlmTrace.SharedDataVariable] = temp.Path });
        Assert.Equal(1, await demo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("needs a llama2.c model", demo.Stderr);
    }
}
