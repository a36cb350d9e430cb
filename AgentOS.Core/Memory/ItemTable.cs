using System.Runtime.InteropServices;

namespace AgentOS.Memory;

/// <summary>
/// One agent's map from item id to where its record is: extendible hashing over small dictionaries (pages), so it never
/// holds one large array. A page splits in two when it fills; a directory of 2^depth slots, indexed by the top bits of
/// the id's hash, points to the pages (a page of depth d serves 2^(depth - d) adjacent slots).
/// </summary>
/// <remarks>
/// <b>Why not one Dictionary.</b> A dictionary of a large agent's items grows by doubling into ever larger arrays; past
/// 85 KB they are allocated on the large-object heap, whose budget sets off full blocking collections that mark the
/// whole managed heap. In <c>memory.add</c> (200,000 adds by one agent) those collections were most of an add's cost
/// (issue 20). A page holds at most <see cref="PageCapacity"/> entries (about 66 KB), so every array stays in the
/// small-object heap and growing the table copies one page, not all of it.
/// </remarks>
internal sealed class ItemTable
{
    /// <summary>Entries per page before it splits: the page's entry array (32 bytes an entry) stays under 85 KB.</summary>
    public const int PageCapacity = 2048;

    // A page this deep is never split again (a hash that cannot tell its ids apart); it grows as a plain dictionary.
    private const int MaxDepth = 48;

    private Page[] _directory = [new Page(0, 0)];
    private int _depth;

    /// <summary>Items in the table.</summary>
    public int Count { get; private set; }

    public bool TryGetValue(long id, out ItemLocation at) => PageOf(id).Entries.TryGetValue(id, out at);

    public bool ContainsKey(long id) => PageOf(id).Entries.ContainsKey(id);

    /// <exception cref="KeyNotFoundException">No item has this id.</exception>
    public ItemLocation this[long id]
    {
        get => PageOf(id).Entries[id];
        set => Set(id, value);
    }

    public bool Remove(long id)
    {
        if (!PageOf(id).Entries.Remove(id))
        {
            return false;
        }
        Count--;
        return true;
    }

    /// <summary>Makes room for <paramref name="extra"/> more items, so adding them (ids spread by the hash) allocates
    /// nothing: each page is sized for its share of them, with slack.</summary>
    public void EnsureCapacity(int extra)
    {
        for (int slot = 0; slot < _directory.Length; slot += 1 << (_depth - _directory[slot].Depth))
        {
            var page = _directory[slot];
            int share = page.Depth == 0 ? extra : (int)Math.Min(extra, ((long)extra >> page.Depth) * 5 / 4 + 64);
            page.Limit = Math.Max(page.Limit, page.Entries.Count + share);
            page.Entries.EnsureCapacity(page.Limit);
        }
    }

    /// <summary>A copy of every entry (in no particular order), safe to enumerate while the table changes.</summary>
    public KeyValuePair<long, ItemLocation>[] ToArray()
    {
        var all = new KeyValuePair<long, ItemLocation>[Count];
        int at = 0;
        for (int slot = 0; slot < _directory.Length; slot += 1 << (_depth - _directory[slot].Depth))
        {
            foreach (var entry in _directory[slot].Entries)
            {
                all[at++] = entry;
            }
        }
        return all;
    }

    private void Set(long id, ItemLocation at)
    {
        while (true)
        {
            var page = PageOf(id);
            if (page.Entries.Count < page.Limit || page.Depth >= MaxDepth || page.Entries.ContainsKey(id))
            {
                ref var value = ref CollectionsMarshal.GetValueRefOrAddDefault(page.Entries, id, out bool existed);
                value = at;
                if (!existed)
                {
                    Count++;
                }
                return;
            }
            Split(page);
        }
    }

    // Moves the entries whose hash has a 1 at the page's next bit into a new page (the old page keeps the rest).
    private void Split(Page page)
    {
        if (page.Depth == _depth)
        {
            // The slots are the hash's top bits: doubling appends one bit, so slot i becomes 2i and 2i + 1.
            var doubled = new Page[_directory.Length * 2];
            for (int i = 0; i < _directory.Length; i++)
            {
                doubled[2 * i] = doubled[2 * i + 1] = _directory[i];
            }
            _directory = doubled;
            _depth++;
        }
        int bit = page.Depth;
        var moved = new Page(bit + 1, Math.Max(PageCapacity, page.Entries.Count));
        page.Depth = bit + 1;
        // Removing while enumerating a Dictionary is allowed (.NET Core 3.0 and later).
        foreach (var (id, at) in page.Entries)
        {
            if (Bit(id, bit))
            {
                moved.Entries.Add(id, at);
                page.Entries.Remove(id);
            }
        }
        int shift = _depth - 1 - bit;
        for (int slot = 0; slot < _directory.Length; slot++)
        {
            if (ReferenceEquals(_directory[slot], page) && ((slot >> shift) & 1) == 1)
            {
                _directory[slot] = moved;
            }
        }
    }

    private Page PageOf(long id) => _directory[(int)((Hash(id) >> 1) >> (63 - _depth))];

    // Fibonacci hashing: consecutive ids (how the store issues them) spread over the top bits.
    private static ulong Hash(long id) => unchecked((ulong)id * 0x9E3779B97F4A7C15UL);

    private static bool Bit(long id, int fromTop) => ((Hash(id) << fromTop) >> 63) == 1;

    private sealed class Page(int depth, int capacity)
    {
        public int Depth = depth;
        public int Limit = PageCapacity;
        public readonly Dictionary<long, ItemLocation> Entries = new(capacity);
    }
}
