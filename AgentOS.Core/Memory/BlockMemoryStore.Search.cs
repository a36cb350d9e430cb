using System.Text;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Memory;

/// <content>Retrieval: BM25 under statistics shared by the owners searched, exact vector top-k, reciprocal rank
/// fusion.</content>
public sealed partial class BlockMemoryStore
{
    /// <inheritdoc />
    public async ValueTask<MemorySearchResult> SearchAsync(IReadOnlyList<string> owners, string text, int limit, MemorySearchMode mode = MemorySearchMode.Auto, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owners);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (mode is MemorySearchMode.Vector or MemorySearchMode.Hybrid && _embedder is null)
        {
            throw new InvalidRequestException($"A {mode.ToString().ToLowerInvariant()} memory search needs an embedder and this kernel has none configured; search lexically (mode auto or lexical).");
        }
        bool vectors = mode != MemorySearchMode.Lexical && _embedder is not null;
        bool lexical = mode != MemorySearchMode.Vector;
        float[]? query = vectors ? (await _embedder!.EmbedAsync([text], cancellationToken).ConfigureAwait(false))[0] : null;

        await _gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            var agents = new List<AgentMemory>(owners.Count);
            foreach (string owner in owners.Distinct(StringComparer.Ordinal))
            {
                if (_agents.TryGetValue(owner, out var agent))
                {
                    await AbsorbPendingAsync(agent, cancellationToken).ConfigureAwait(false);
                    agents.Add(agent);
                }
            }
            int pool = vectors && lexical ? Math.Max(limit * 5, 50) : limit;
            var lexicalRanking = lexical ? RankLexical(agents, text, pool) : [];
            var vectorRanking = vectors ? RankVectors(agents, query!, pool) : [];
            var ranked = (lexical, vectors) switch
            {
                (true, true) => Fuse(lexicalRanking, vectorRanking, limit),
                (true, false) => lexicalRanking,
                _ => vectorRanking,
            };
            var items = new List<MemoryItem>(ranked.Length);
            var scores = new List<double>(ranked.Length);
            foreach (var (id, score) in ranked.Take(limit))
            {
                var agent = agents.First(a => a.Items.ContainsKey(id));
                items.Add(await ReadItemAsync(agent.Items[id], cancellationToken).ConfigureAwait(false));
                scores.Add(score);
            }
            string how = (lexical, vectors) switch
            {
                (true, true) => Retrieval,
                (true, false) => _embedder is null ? Retrieval : "lexical (BM25)",
                _ => $"vector ({_embedder!.Name} {_embedder.Dimensions}-dim, cosine)",
            };
            return new MemorySearchResult(items, scores, how);
        }
        finally
        {
            _gate.Exit();
        }
    }

    // Brings an agent's indexes up to date with every item added since the last search. Lexical indexing is local and
    // done for all at once; embedding goes out in requests of at most EmbedBatchSize texts (OpenAI-compatible servers
    // cap the inputs per request), and each batch's vectors are kept as it returns, so a failure midway leaves only
    // what is still unembedded pending and the next search resumes there.
    //
    // The store's gate stays held across the embedder's round trips. Releasing it would let an update or removal of an
    // item run while its text is being embedded, and the vector that comes back would then describe content the item
    // no longer has; doing that safely needs a per-item version checked when the vectors return. Until then, a search
    // that must embed a large backlog blocks the store's other operations for those round trips.
    private async ValueTask AbsorbPendingAsync(AgentMemory agent, CancellationToken cancellationToken)
    {
        if (agent.Pending.Count == 0)
        {
            return;
        }
        bool embed = _embedder is not null;
        int waiting = 0;
        HashSet<long>? kept = embed ? [] : null;
        for (int i = 0; i < agent.Pending.Count; i++)
        {
            long id = agent.Pending[i];
            if (!agent.Items.TryGetValue(id, out var at) || (agent.Lexical.Contains(id) && (!embed || agent.Vectors?.Contains(id) == true)))
            {
                continue;
            }
            if (!agent.Lexical.Contains(id))
            {
                await EnsureResidentAsync(at.Block, cancellationToken).ConfigureAwait(false);
                IndexLexical(agent, id, Record(at));
            }
            // What still needs a vector stays pending (once, however often the item changed), in order.
            if (kept?.Add(id) == true)
            {
                agent.Pending[waiting++] = id;
            }
        }
        agent.Pending.Truncate(waiting);
        if (waiting == 0)
        {
            return;
        }
        agent.Vectors ??= new VectorIndex(_embedder!.Dimensions);
        int batchSize = _options.EmbedBatchSize;
        var ids = new long[Math.Min(batchSize, waiting)];
        while (agent.Pending.Count > 0)
        {
            int count = Math.Min(batchSize, agent.Pending.Count);
            // A new list per request: an embedder may keep the one it was given.
            var texts = new string[count];
            for (int i = 0; i < count; i++)
            {
                ids[i] = agent.Pending[i];
                var at = agent.Items[ids[i]];
                await EnsureResidentAsync(at.Block, cancellationToken).ConfigureAwait(false);
                texts[i] = Encoding.UTF8.GetString(MemoryRecord.ContentBytes(Record(at)));
            }
            var embedded = await _embedder!.EmbedAsync(texts, cancellationToken).ConfigureAwait(false);
            if (embedded.Length != count)
            {
                throw new InvalidDataException($"The embedder {_embedder.Name} returned {embedded.Length} vectors for {count} texts; check its server's batch limit and response.");
            }
            for (int i = 0; i < count; i++)
            {
                agent.Vectors.Add(ids[i], embedded[i]);
            }
            agent.Pending.RemoveFirst(count);
        }
    }

    // BM25 over the union of the agents' items: N, document frequencies and the average length are summed over all of
    // them, so the scores are those of one index holding exactly the items the caller may read.
    // idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5)); each distinct query term counts once.
    private double[] _scores = new double[1024];
    private readonly List<int> _touched = [];

    private (long Id, double Score)[] RankLexical(List<AgentMemory> agents, string text, int limit)
    {
        long documents = 0, length = 0;
        foreach (var agent in agents)
        {
            documents += agent.Lexical.Count;
            length += agent.Lexical.TotalLength;
        }
        if (documents == 0)
        {
            return [];
        }
        double average = Math.Max(1e-9, length / (double)documents);
        var terms = new HashSet<string>(StringComparer.Ordinal);
        Span<char> buffer = stackalloc char[Terms.MaxLength];
        foreach (var term in new Terms(text, buffer))
        {
            terms.Add(term.ToString());
        }
        var top = new TopK(limit);
        var touched = _touched;
        foreach (var agent in agents)
        {
            // One scratch array for all searches (the gate is held): only touched slots are written, and reset after.
            if (_scores.Length < agent.Lexical.Slots)
            {
                _scores = new double[Math.Max(agent.Lexical.Slots, _scores.Length * 2)];
            }
            var scores = _scores;
            touched.Clear();
            foreach (string term in terms)
            {
                long df = 0;
                foreach (var other in agents)
                {
                    df += other.Lexical.Frequency(term);
                }
                if (df == 0)
                {
                    continue;
                }
                double idf = Math.Log(1 + (documents - df + 0.5) / (df + 0.5));
                agent.Lexical.Accumulate(term, idf, _options.K1, _options.B, average, scores, touched);
            }
            foreach (int slot in touched)
            {
                top.Offer(agent.Lexical.IdAt(slot), scores[slot]);
                scores[slot] = 0;
            }
        }
        return top.Ranked();
    }

    /// <summary>Vector indexes of at least this many rows are scanned in two halves on two threads (the scan is
    /// bound by memory bandwidth, which one core does not saturate).</summary>
    internal int ParallelRows { get; set; } = 32_768;

    /// <summary>Whether vector searches scan the int8 copy first (exact either way); off, they scan every fp32 row,
    /// which benchmarks compare against.</summary>
    internal bool QuantizedVectorScan { get; set; } = true;

    /// <summary>Rows the int8 bound left to score again in fp32, over all agents' vector searches so far.</summary>
    internal long RescoredVectorRows => _agents.Values.Sum(a => a.Vectors?.RescoredRows ?? 0);

    private (long Id, double Score)[] RankVectors(List<AgentMemory> agents, float[] query, int limit)
    {
        VectorIndex.Normalize(query);
        var top = new TopK(limit);
        foreach (var agent in agents)
        {
            if (agent.Vectors is not { } vectors)
            {
                continue;
            }
            if (vectors.Count < ParallelRows || Environment.ProcessorCount < 2)
            {
                Scan(vectors, query, top, 0, vectors.Count, lane: 0);
                continue;
            }
            // Each half keeps its own exact top-k; merging them gives the exact top-k of the whole (ties break by id
            // in both, so the result is the same as one scan's).
            int half = vectors.Count / 2;
            var second = new TopK(limit);
            var other = Task.Run(() => Scan(vectors, query, second, half, vectors.Count, lane: 1));
            Scan(vectors, query, top, 0, half, lane: 0);
            other.GetAwaiter().GetResult();
            top.OfferAll(second);
        }
        return top.Ranked();
    }

    private void Scan(VectorIndex vectors, float[] query, TopK top, int from, int to, int lane)
    {
        if (QuantizedVectorScan)
        {
            vectors.Search(query, top, from, to, lane);
        }
        else
        {
            vectors.SearchFullScan(query, top, from, to);
        }
    }

    // Reciprocal rank fusion: score = sum over rankings of 1 / (k + rank), rank from 1 (ties share the best rank). It needs no score
    // calibration between BM25 (unbounded) and cosine (-1..1), which a weighted mix of raw scores would.
    private (long Id, double Score)[] Fuse((long Id, double Score)[] lexical, (long Id, double Score)[] vector, int limit)
    {
        var fused = new Dictionary<long, double>();
        foreach (var ranking in (ReadOnlySpan<(long Id, double Score)[]>)[lexical, vector])
        {
            int rank = 0;
            for (int i = 0; i < ranking.Length; i++)
            {
                // Tied scores share a rank: the order among them is only the ids', which must not tip the fusion.
                if (i == 0 || ranking[i].Score != ranking[i - 1].Score)
                {
                    rank = i + 1;
                }
                fused[ranking[i].Id] = fused.GetValueOrDefault(ranking[i].Id) + 1.0 / (_options.FusionK + rank);
            }
        }
        var top = new TopK(limit);
        foreach (var (id, score) in fused)
        {
            top.Offer(id, score);
        }
        return top.Ranked();
    }
}
