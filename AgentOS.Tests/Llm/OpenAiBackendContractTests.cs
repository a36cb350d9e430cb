using AgentOS.Llm;
using AgentOS.Llm.Http;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Llm;

/// <summary>The OpenAI-compatible backend against a scripted model on a real 127.0.0.1 server, with every capability
/// configured (vLLM's continue_final_message included).</summary>
public sealed class OpenAiBackendContractTests : LlmBackendContractTests
{
    private readonly ScriptedHttpServer _server = new(FakeOpenAiModel.Serve);

    protected override ILlmBackend CreateBackend() => new OpenAiBackend(new OpenAiBackendOptions
    {
        BaseUrl = _server.Url + "v1",
        ApiKey = "sk-test",
        Models = ["fake-model"],
        EmbeddingModel = "fake-embedding",
        ContinueFinalMessage = true,
        MaxContextTokens = 8192,
    });

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _server.DisposeAsync();
    }
}

/// <summary>The same server reached by a backend configured with the fewest capabilities (OpenAI's own API without
/// an embedding model, say): the contract's skips and refusals for what it lacks.</summary>
public sealed class OpenAiMinimalBackendContractTests : LlmBackendContractTests
{
    private readonly ScriptedHttpServer _server = new(FakeOpenAiModel.Serve);

    protected override ILlmBackend CreateBackend() => new OpenAiBackend(new OpenAiBackendOptions
    {
        BaseUrl = _server.Url + "v1",
        Models = ["fake-model"],
        ToolCalls = false,
        JsonOutput = false,
    });

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _server.DisposeAsync();
    }
}
