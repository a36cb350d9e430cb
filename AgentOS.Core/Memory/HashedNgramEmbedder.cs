namespace AgentOS.Memory;

/// <summary>
/// A deterministic embedder with no model: each lower-cased word and each of its character trigrams (with word
/// boundaries marked) is hashed (FNV-1a) to a dimension and a sign. Texts that share words or word pieces ("index",
/// "indexing") get similar vectors, which is what tests and benchmarks need; it knows no synonyms.
/// </summary>
public sealed class HashedNgramEmbedder : IEmbedder
{
    /// <summary>An embedder of <paramref name="dimensions"/> dimensions (default 384).</summary>
    public HashedNgramEmbedder(int dimensions = 384)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 8);
        Dimensions = dimensions;
    }

    /// <inheritdoc />
    public string Name => "hashed-ngram";

    /// <inheritdoc />
    public int Dimensions { get; }

    /// <inheritdoc />
    public ValueTask<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var vectors = new float[texts.Count][];
        for (int i = 0; i < vectors.Length; i++)
        {
            vectors[i] = new float[Dimensions];
            Embed(texts[i], vectors[i]);
        }
        return ValueTask.FromResult(vectors);
    }

    /// <summary>Embeds one text into <paramref name="destination"/> (not normalized).</summary>
    public void Embed(ReadOnlySpan<char> text, Span<float> destination)
    {
        destination.Clear();
        Span<char> buffer = stackalloc char[Terms.MaxLength + 2];
        foreach (var term in new Terms(text, buffer[1..]))
        {
            Add(term, destination, 1f);
            buffer[0] = '<';
            buffer[term.Length + 1] = '>';
            var marked = buffer[..(term.Length + 2)];
            for (int i = 0; i + 3 <= marked.Length; i++)
            {
                Add(marked.Slice(i, 3), destination, 0.5f);
            }
        }
    }

    private void Add(ReadOnlySpan<char> gram, Span<float> destination, float weight)
    {
        uint hash = 2166136261;
        foreach (char c in gram)
        {
            hash = (hash ^ c) * 16777619;
        }
        destination[(int)(hash % (uint)Dimensions)] += (hash & 0x8000_0000) != 0 ? -weight : weight;
    }
}
