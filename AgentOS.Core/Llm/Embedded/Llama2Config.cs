namespace AgentOS.Llm.Embedded;

/// <summary>The shape of a llama2.c model, as its checkpoint header gives it.</summary>
/// <param name="Dim">Transformer width.</param>
/// <param name="HiddenDim">Feed-forward width.</param>
/// <param name="Layers">Number of layers.</param>
/// <param name="Heads">Query heads.</param>
/// <param name="KvHeads">Key/value heads (fewer than <paramref name="Heads"/> for grouped-query attention).</param>
/// <param name="VocabSize">Vocabulary size.</param>
/// <param name="SeqLen">Maximum sequence length.</param>
/// <param name="SharedClassifier">Whether the output classifier reuses the token embedding table.</param>
public sealed record Llama2Config(int Dim, int HiddenDim, int Layers, int Heads, int KvHeads, int VocabSize, int SeqLen, bool SharedClassifier)
{
    /// <summary>Width of one attention head.</summary>
    public int HeadSize => Dim / Heads;

    /// <summary>Width of the key/value projections.</summary>
    public int KvDim => Dim * KvHeads / Heads;
}
