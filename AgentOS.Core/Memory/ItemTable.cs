using System.Runtime.InteropServices;

namespace AgentOS.Memory;

/// <summary>
/// One agent's map from item id to where its record is: a run of small dictionaries (pages), each serving the ids from
/// its start up to the next page's start, so the table never holds one large array. The store issues ids in rising
/// order, so an add goes to the last page; when that is full, a new page starts at the new id. A lookup checks the last
/// page, else binary-searches the pages' starts (a few hundred pages for a million items).
/// </summary>
/// <remarks>
/// <para><b>Why not one Dictionary.</b> A dictionary of a large agent's items grows by doubling into ever larger
/// arrays; past 85 KB they are allocated on the large-object heap, whose budget sets off full blocking collections
/// that mark the whole managed heap. In <c>memory.add</c> (200,000 adds by one agent) those collections were most of an
/// add's cost (issue 20). A page is created with room for <see cref="PageCapacity"/> entries (about 66 KB) and filled,
/// so its arrays stay in the small-object heap and growing the table copies nothing. (Extendible hashing, tried first,
/// split pages by moving half their entries: about three dictionary operations more per add.)</para>
/// <para>An id below the last page's highest (an item re-placed at reopen or replay, in block order) joins the page
/// whose range holds it, even past its capacity: such pages grow as plain dictionaries. Updates keep their id and
/// change nothing here.</para>
/// </remarks>
internal sealed class ItemTable
{
    /// <summary>Entries a page is created for (the dictionary rounds it up to 2,333): its entry array (32 bytes an
    /// entry) stays under 85 KB.</summary>
    public const int PageCapacity = 2048;

    private Page[] _pages = [new Page(long.MinValue, 0)];
    private int _pageCount = 1;

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

    /// <summary>Makes room for <paramref name="extra"/> more items with rising ids, so adding them allocates nothing
    /// (the last page takes them all, past its usual capacity if asked).</summary>
    public void EnsureCapacity(int extra)
    {
        var last = _pages[_pageCount - 1];
        last.Limit = Math.Max(last.Limit, last.Entries.Count + extra);
        last.Entries.EnsureCapacity(last.Limit);
    }

    /// <summary>A copy of every entry (in no particular order), safe to enumerate while the table changes.</summary>
    public KeyValuePair<long, ItemLocation>[] ToArray()
    {
        var all = new KeyValuePair<long, ItemLocation>[Count];
        int at = 0;
        for (int i = 0; i < _pageCount; i++)
        {
            foreach (var entry in _pages[i].Entries)
            {
                all[at++] = entry;
            }
        }
        return all;
    }

    /// <summary>The most entries any page has room for (tests: no page's array belongs on the large-object heap).</summary>
    internal int LargestPageCapacity
    {
        get
        {
            int largest = 0;
            for (int i = 0; i < _pageCount; i++)
            {
                largest = Math.Max(largest, _pages[i].Entries.EnsureCapacity(0));
            }
            return largest;
        }
    }

    private void Set(long id, ItemLocation at)
    {
        var page = PageOf(id);
        if (page.Entries.Count == PageCapacity / 2 && page.Limit == PageCapacity)
        {
            // The first page starts small (most agents hold a few items) and grows by doubling: left alone it would
            // double from 1,931 entries to 4,049, onto the large-object heap. Half full, it takes its full size.
            page.Limit = page.Entries.EnsureCapacity(PageCapacity);
        }
        else if (page.Entries.Count >= page.Limit && id > page.Highest && ReferenceEquals(page, _pages[_pageCount - 1]))
        {
            page = NewPage(id);
        }
        ref var value = ref CollectionsMarshal.GetValueRefOrAddDefault(page.Entries, id, out bool existed);
        value = at;
        if (!existed)
        {
            Count++;
            page.Highest = Math.Max(page.Highest, id);
        }
    }

    private Page NewPage(long start)
    {
        if (_pageCount == _pages.Length)
        {
            Array.Resize(ref _pages, _pageCount * 2);
        }
        var page = new Page(start, PageCapacity);
        // Filled to the capacity the dictionary rounded up to (a prime, still under 85 KB of entries).
        page.Limit = page.Entries.EnsureCapacity(0);
        _pages[_pageCount++] = page;
        return page;
    }

    // The page whose range holds the id: the last page whose start is at or below it (the first page starts at the
    // lowest long, so there is always one).
    private Page PageOf(long id)
    {
        int last = _pageCount - 1;
        var tail = _pages[last];
        if (id >= tail.Start)
        {
            return tail;
        }
        int low = 0;
        int high = last - 1;
        while (low < high)
        {
            int middle = (low + high + 1) >> 1;
            if (_pages[middle].Start <= id)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }
        return _pages[low];
    }

    private sealed class Page(long start, int capacity)
    {
        public readonly long Start = start;
        public readonly Dictionary<long, ItemLocation> Entries = new(capacity);
        public long Highest = long.MinValue;
        public int Limit = PageCapacity;
    }
}
