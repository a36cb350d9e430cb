using System.Text.Json;
using AgentOS.Llm;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Llm;

/// <summary>
/// What every LLM backend must do. One subclass per backend; a test for a capability the backend declares it lacks
/// skips as not applicable, and a backend that claims a capability must really have it.
/// </summary>
public abstract class LlmBackendContractTests : IAsyncDisposable
{
    private ILlmBackend? _backend;

    /// <summary>The backend under test (created once per test, after the subclass's constructor).</summary>
    protected ILlmBackend Backend => _backend ??= CreateBackend();

    protected abstract ILlmBackend CreateBackend();

    protected static LlmQuery Ask(string text, int maxTokens = 16) => new() { Messages = [ChatMessage.User(text)], MaxTokens = maxTokens };

    public virtual async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        switch (_backend)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    [Test]
    public void ItDeclaresANameSlotsAndCapabilities()
    {
        Assert.False(string.IsNullOrWhiteSpace(Backend.Name), "a backend has a name");
        Assert.True(Backend.Slots >= 1, $"slots: {Backend.Slots}");
        Assert.NotNull(Backend.Capabilities);
        Assert.True(Backend.Capabilities.MaxContextTokens is null or > 0, $"max context: {Backend.Capabilities.MaxContextTokens}");
        Assert.True(Backend.Models.All(m => !string.IsNullOrWhiteSpace(m)), "model names are not blank");
    }

    [Test]
    public async Task ItGeneratesTextWithItsUsage()
    {
        var response = await Backend.GenerateAsync(Ask("Once upon a time"));
        Assert.False(string.IsNullOrEmpty(response.Content), "an answer has text");
        Assert.True(response.PromptTokens > 0, $"prompt tokens: {response.PromptTokens}");
        Assert.InRange(response.CompletionTokens, 1, 16);
        Assert.Equal(Backend.Name, response.Backend);
        Assert.Equal(0, response.ToolCalls.Count);
    }

    [Test]
    public async Task AStreamEndsWithTheWholeResponseItsPiecesAddUpTo()
    {
        var deltas = new List<string>();
        LlmResponse? final = null;
        await foreach (var item in Backend.StreamAsync(Ask("Once upon a time")))
        {
            Assert.Null(final, "nothing follows the final item");
            if (item.Final is { } whole)
            {
                final = whole;
            }
            else
            {
                deltas.Add(Assert.NotNull(item.Delta));
            }
        }
        Assert.NotNull(final, "a stream ends with the whole response");
        Assert.Equal(final!.Content, string.Concat(deltas));
        Assert.Equal(Backend.Name, final.Backend);
    }

    [Test]
    public async Task AStreamingBackendYieldsTheAnswerInPieces()
    {
        Skip.If(!Backend.Capabilities.Streaming, $"{Backend.Name} declares no streaming");
        int deltas = 0;
        await foreach (var item in Backend.StreamAsync(Ask("Once upon a time")))
        {
            deltas += item.Final is null ? 1 : 0;
        }
        Assert.True(deltas >= 2, $"{deltas} piece(s)");
    }

    [Test]
    public async Task OfferedToolsItAnswersWithACallOfOne()
    {
        Skip.If(!Backend.Capabilities.ToolCalls, $"{Backend.Name} declares no tool calls");
        using var schema = JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""");
        var query = new LlmQuery
        {
            Messages = [ChatMessage.User("What is the weather in Paris? Call the weather tool.")],
            Tools = [new ToolSpec("get_weather", "The current weather in a city", schema.RootElement.Clone())],
            MaxTokens = 64,
        };
        var response = await Backend.GenerateAsync(query);
        Assert.True(response.ToolCalls.Count > 0, "the model called a tool");
        var call = response.ToolCalls[0];
        Assert.Equal("get_weather", call.Name);
        Assert.Equal(JsonValueKind.Object, call.Arguments.ValueKind);
        Assert.Equal("tool_calls", response.FinishReason);
    }

    [Test]
    public async Task AskedForJsonItAnswersWithAJsonObject()
    {
        Skip.If(!Backend.Capabilities.JsonOutput, $"{Backend.Name} declares no JSON output");
        var response = await Backend.GenerateAsync(new LlmQuery { Messages = [ChatMessage.User("Name a colour, as JSON.")], JsonOutput = true, MaxTokens = 64 });
        using var document = JsonDocument.Parse(response.Content);
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
    }

    [Test]
    public async Task ItEmbedsEachTextAsOneVectorInOrder()
    {
        Skip.If(!Backend.Capabilities.Embeddings, $"{Backend.Name} declares no embeddings");
        var embeddings = await Backend.EmbedAsync(["The food was delicious.", "The weather is cold."]);
        Assert.Equal(2, embeddings.Vectors.Count);
        Assert.True(embeddings.Vectors[0].Length > 0, "a vector has dimensions");
        Assert.Equal(embeddings.Vectors[0].Length, embeddings.Vectors[1].Length);
        Assert.True(embeddings.Vectors.All(v => v.Any(x => x != 0)), "a vector is not all zeros");
        Assert.Equal(Backend.Name, embeddings.Backend);
    }

    [Test]
    public async Task WithoutEmbeddingsEmbeddingFailsTyped()
    {
        Skip.If(Backend.Capabilities.Embeddings, $"{Backend.Name} declares embeddings");
        var error = await Assert.ThrowsAsync<CapabilityNotSupportedException>(() => Backend.EmbedAsync(["text"]));
        Assert.Contains(Backend.Name, error.Message);
    }

    [Test]
    public async Task ItContinuesAPartialAssistantMessageWithOnlyTheNewText()
    {
        Skip.If(!Backend.Capabilities.Continuation, $"{Backend.Name} declares no continuation");
        const string partial = "Once upon a time, in a land far away,";
        var query = new LlmQuery { Messages = [ChatMessage.User("Tell me a story."), ChatMessage.Assistant(partial)], MaxTokens = 16 };
        var response = await Backend.GenerateAsync(query);
        Assert.False(string.IsNullOrEmpty(response.Content), "the continuation has text");
        Assert.False(response.Content.StartsWith(partial, StringComparison.Ordinal), "the partial text is not repeated");
    }

    [Test]
    public async Task AnAlreadyCancelledCallIsCancelled()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAsync<OperationCanceledException>(async () => await Backend.GenerateAsync(Ask("Once upon a time"), cancelled.Token));
        await Assert.ThrowsAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in Backend.StreamAsync(Ask("Once upon a time"), cancelled.Token))
            {
            }
        });
    }

    [Test]
    public async Task ANullQueryIsRejected()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await Backend.GenerateAsync(null!));
    }
}
