using AgentOS.Llm;
using AgentOS.Llm.Http;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Llm;

/// <summary>The Anthropic backend against a scripted model on a real 127.0.0.1 server.</summary>
public sealed class AnthropicBackendContractTests : LlmBackendContractTests
{
    private readonly ScriptedHttpServer _server = new(FakeAnthropicModel.Serve);

    protected override ILlmBackend CreateBackend() => new AnthropicBackend(new AnthropicBackendOptions
    {
        BaseUrl = _server.Url,
        ApiKey = "sk-ant-test",
        Models = ["claude-fake"],
        MaxContextTokens = 200_000,
    });

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _server.DisposeAsync();
    }
}
