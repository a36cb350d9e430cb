namespace AgentOS.Memory;

/// <summary>
/// An inverted index of one agent's items for BM25, maintained incrementally: adding an item appends one posting per
/// distinct term; removing one marks its document dead and takes it out of the document frequencies at once (so
/// scores stay exact), and the dead postings are purged when they outnumber the live documents. Scoring accumulates
/// into a caller's array, so several agents' indexes can be ranked together under shared statistics. Not
/// thread-safe.
/// </summary>
internal sealed class Bm25Index
{
    private readonly Dictionary<string, Postings> _terms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Postings>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly Dictionary<long, int> _docOf = [];
    private readonly Dictionary<Postings, int> _counting = [];
    private long[] _ids = new long[16];
    private int[] _lengths = new int[16];
    private int _docs;
    private int _dead;

    public Bm25Index() => _lookup = _terms.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Live documents.</summary>
    public int Count => _docOf.Count;

    /// <summary>Total terms in live documents.</summary>
    public long TotalLength { get; private set; }

    /// <summary>Document slots (live and dead): the size a score array must have.</summary>
    public int Slots => _docs;

    public bool Contains(long id) => _docOf.ContainsKey(id);

    public long IdAt(int slot) => _ids[slot];

    public void Add(long id, ReadOnlySpan<char> text)
    {
        if (_docOf.ContainsKey(id))
        {
            return;
        }
        if (_docs == _ids.Length)
        {
            Array.Resize(ref _ids, _docs * 2);
            Array.Resize(ref _lengths, _docs * 2);
        }
        int slot = _docs++;
        int length = 0;
        Span<char> buffer = stackalloc char[Terms.MaxLength];
        foreach (var term in new Terms(text, buffer))
        {
            length++;
            if (!_lookup.TryGetValue(term, out var postings))
            {
                postings = new Postings();
                _lookup[term] = postings;
            }
            _counting[postings] = _counting.GetValueOrDefault(postings) + 1;
        }
        foreach (var (postings, tf) in _counting)
        {
            postings.Append(slot, tf);
        }
        _counting.Clear();
        _ids[slot] = id;
        _lengths[slot] = length;
        _docOf[id] = slot;
        TotalLength += length;
    }

    /// <summary>Removes a document; <paramref name="text"/> must be the text it was added with.</summary>
    public void Remove(long id, ReadOnlySpan<char> text)
    {
        if (!_docOf.Remove(id, out int slot))
        {
            return;
        }
        Span<char> buffer = stackalloc char[Terms.MaxLength];
        foreach (var term in new Terms(text, buffer))
        {
            if (_lookup.TryGetValue(term, out var postings) && postings.LastCounted != slot)
            {
                postings.LastCounted = slot;
                postings.Frequency--;
            }
        }
        TotalLength -= _lengths[slot];
        _lengths[slot] = -1;
        if (++_dead > Math.Max(64, _docOf.Count))
        {
            Purge();
        }
    }

    /// <summary>How many live documents contain <paramref name="term"/>.</summary>
    public int Frequency(ReadOnlySpan<char> term) => _lookup.TryGetValue(term, out var postings) ? postings.Frequency : 0;

    /// <summary>Adds <paramref name="term"/>'s BM25 contribution to each live document's score (by slot).</summary>
    public void Accumulate(ReadOnlySpan<char> term, double idf, double k1, double b, double averageLength, double[] scores, List<int> touched)
    {
        if (!_lookup.TryGetValue(term, out var postings))
        {
            return;
        }
        for (int i = 0; i < postings.Count; i++)
        {
            int slot = postings.Docs[i];
            int length = _lengths[slot];
            if (length < 0)
            {
                continue;
            }
            double tf = postings.Counts[i];
            if (scores[slot] == 0)
            {
                touched.Add(slot);
            }
            scores[slot] += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / averageLength));
        }
    }

    // Renumbers the live documents densely and drops dead postings and terms.
    private void Purge()
    {
        var map = new int[_docs];
        int live = 0;
        for (int slot = 0; slot < _docs; slot++)
        {
            if (_lengths[slot] >= 0)
            {
                map[slot] = live;
                _ids[live] = _ids[slot];
                _lengths[live] = _lengths[slot];
                _docOf[_ids[live]] = live;
                live++;
            }
            else
            {
                map[slot] = -1;
            }
        }
        _docs = live;
        _dead = 0;
        List<string>? empty = null;
        foreach (var (term, postings) in _terms)
        {
            postings.Remap(map);
            if (postings.Count == 0)
            {
                (empty ??= []).Add(term);
            }
        }
        foreach (var term in empty ?? [])
        {
            _terms.Remove(term);
        }
    }

    private sealed class Postings
    {
        public int[] Docs = new int[2];
        public int[] Counts = new int[2];
        public int Count;
        public int Frequency;
        public int LastCounted = -1;

        public void Append(int slot, int tf)
        {
            if (Count == Docs.Length)
            {
                Array.Resize(ref Docs, Count * 2);
                Array.Resize(ref Counts, Count * 2);
            }
            Docs[Count] = slot;
            Counts[Count++] = tf;
            Frequency++;
        }

        public void Remap(int[] map)
        {
            int kept = 0;
            for (int i = 0; i < Count; i++)
            {
                int slot = map[Docs[i]];
                if (slot >= 0)
                {
                    Docs[kept] = slot;
                    Counts[kept++] = Counts[i];
                }
            }
            Count = kept;
            LastCounted = -1;
        }
    }
}
