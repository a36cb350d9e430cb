using AgentOS.Kernel;
using AgentOS.Llm;
using AgentOS.Memory;
using AgentOS.Sdk;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Kernel;

/// <summary>Memory's vector retrieval fed by an LLM backend that declares embeddings, through the kernel's router.</summary>
public sealed class EmbeddingsTests
{
    // A backend that embeds with the deterministic hashed n-gram embedder and counts its calls.
    private sealed class VectorBackend(int dimensions) : ILlmBackend
    {
        private readonly HashedNgramEmbedder _embedder = new(dimensions);
        public int Calls;

        public string Name => "vectors";
        public int Slots => 1;
        public LlmCapabilities Capabilities { get; } = new() { Embeddings = true };

        public ValueTask<LlmResponse> GenerateAsync(LlmQuery query, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("an embedding-only backend");

        public async Task<LlmEmbeddings> EmbedAsync(IReadOnlyList<string> inputs, string? model = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Calls);
            return new LlmEmbeddings { Vectors = await _embedder.EmbedAsync(inputs, cancellationToken), Backend = Name, Model = model ?? "hashed" };
        }
    }

    [Test]
    public async Task VectorSearchUsesTheConfiguredBackendsEmbeddings()
    {
        using var data = new TempDirectory("agentos-embeddings");
        var vectors = new VectorBackend(64);
        await using var kernel = AgentKernel.Start(new KernelOptions
        {
            DataDirectory = data.Path,
            LlmBackends = [new EchoLlmBackend(), vectors],
            Embeddings = new EmbeddingsConfig { Backend = "vectors", Dimensions = 64 },
        });
        kernel.RegisterIdentity("ann");
        var memory = new AgentContext("ann", kernel.Port).Memory;
        await memory.AddAsync("the blue whale is the largest animal");
        string tea = await memory.AddAsync("green tea is brewed at eighty degrees");
        await memory.AddAsync("rust never sleeps on an old bicycle");

        var found = await memory.SearchAsync("brewed green tea", ["ann"], limit: 3, mode: "vector");
        Assert.Equal(tea, found.Items[0].Id);
        Assert.Contains("vector (vectors 64-dim", found.Retrieval!);
        Assert.True(vectors.Calls > 0, "the backend embedded the items and the query");
    }

    [Test]
    public async Task VectorsOfTheWrongLengthAreABackendFailure()
    {
        using var data = new TempDirectory("agentos-embeddings");
        await using var kernel = AgentKernel.Start(new KernelOptions
        {
            DataDirectory = data.Path,
            // The first backend that embeds: "vectors" (the echo backend embeds too, so it comes second).
            LlmBackends = [new VectorBackend(32), new EchoLlmBackend()],
            Embeddings = new EmbeddingsConfig { Dimensions = 64 },
        });
        kernel.RegisterIdentity("ann");
        var memory = new AgentContext("ann", kernel.Port).Memory;
        await memory.AddAsync("the blue whale is the largest animal");
        var error = await Assert.ThrowsAsync<BackendFailedException>(async () => await memory.SearchAsync("whale", ["ann"], mode: "vector"));
        Assert.Contains("32-dimensional embeddings, but the kernel config says 64", error.Message);
    }

    [Test]
    public void TheConfigNamesABackendAndTheVectorsLength()
    {
        const string Backends = """ "llm_backends": [{"type": "echo"}], """;
        var config = KernelConfig.Parse("{" + Backends + """ "embeddings": {"backend": "echo", "dimensions": 384} }""");
        Assert.Equal(384, config.ToOptions().Embeddings!.Dimensions);
        var missing = Assert.Throws<KernelConfigException>(() => KernelConfig.Parse("{" + Backends + """ "embeddings": {"backend": "nowhere", "dimensions": 384} }"""));
        Assert.Contains("'nowhere' is not a configured LLM backend", missing.Message);
        var zero = Assert.Throws<KernelConfigException>(() => KernelConfig.Parse("{" + Backends + """ "embeddings": {"dimensions": 0} }"""));
        Assert.Contains("embeddings.dimensions", zero.Message);
    }
}
