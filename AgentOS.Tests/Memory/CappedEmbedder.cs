using AgentOS.Memory;

namespace AgentOS.Tests.Memory;

/// <summary>An embedder that behaves like an OpenAI-compatible server with a per-request input cap: more than
/// <see cref="MaxInputs"/> texts in one call is refused, and <see cref="FailCall"/> (1-based) fails once as a dropped
/// connection would. Records the size of every call that succeeded.</summary>
internal sealed class CappedEmbedder(int maxInputs) : IEmbedder
{
    private readonly HashedNgramEmbedder _inner = new(64);
    private int _calls;

    public int MaxInputs { get; } = maxInputs;

    public int FailCall { get; set; }

    public List<int> Succeeded { get; } = [];

    public string Name => "capped";

    public int Dimensions => _inner.Dimensions;

    public ValueTask<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Increment(ref _calls) == FailCall)
        {
            throw new HttpRequestException("connection reset by the embeddings server");
        }
        if (texts.Count > MaxInputs)
        {
            throw new InvalidOperationException($"'input' may hold at most {MaxInputs} texts per request, not {texts.Count}.");
        }
        lock (Succeeded)
        {
            Succeeded.Add(texts.Count);
        }
        return _inner.EmbedAsync(texts, cancellationToken);
    }
}
