using AgentOS.Llm;
using AgentOS.Llm.Embedded;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Llm;

[RequiresShared("data/models/stories260K.bin")]
[RequiresShared("data/models/tok512.bin")]
public sealed class EmbeddedBackendContractTests : LlmBackendContractTests
{
    protected override ILlmBackend CreateBackend() =>
        new EmbeddedLlmBackend(RepoPaths.Shared("data/models/stories260K.bin"), RepoPaths.Shared("data/models/tok512.bin"));
}
