using AgentOS.Llm;

namespace AgentOS.Tests.Llm;

public sealed class EchoBackendContractTests : LlmBackendContractTests
{
    protected override ILlmBackend CreateBackend() => new EchoLlmBackend();
}
