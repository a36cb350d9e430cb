namespace AgentOS.Storage.Files;

/// <summary>
/// The kept versions of one key, oldest first: a window over an array that may have room past its end.
/// </summary>
/// <remarks>
/// The records inside a published window never change, so a snapshot (which copies the window, a struct) can be
/// written out in the background while the flusher goes on: a new version goes into the free slot past the window's
/// end (a slot no window has covered yet), the oldest is dropped by moving the start forward, and anything else (a
/// relocation replacing a version, a version out of order, a full array) builds a new array. Appending in place is
/// the point: before, every write copied the key's whole version array (20 records, about 800 bytes).
/// </remarks>
internal readonly struct VersionWindow
{
    private readonly VersionRecord[] _buffer;
    private readonly int _start;

    public VersionWindow(VersionRecord[] versions)
        : this(versions, 0, versions.Length)
    {
    }

    private VersionWindow(VersionRecord[] buffer, int start, int count)
    {
        _buffer = buffer;
        _start = start;
        Count = count;
    }

    public int Count { get; }

    public ReadOnlySpan<VersionRecord> Span => _buffer.AsSpan(_start, Count);

    public VersionRecord Latest => _buffer[_start + Count - 1];

    public VersionRecord this[int index] => _buffer[_start + index];

    /// <summary>This window plus <paramref name="record"/> (newer than all), keeping at most <paramref name="kept"/>;
    /// the versions that fall off the old end are in <paramref name="dropped"/>.</summary>
    public VersionWindow Append(VersionRecord record, int kept, out ReadOnlySpan<VersionRecord> dropped)
    {
        int drop = Math.Max(0, Count + 1 - kept);
        dropped = Span[..drop];
        int count = Count + 1 - drop;
        int end = _start + Count;
        if (end < _buffer.Length)
        {
            _buffer[end] = record;
            return new VersionWindow(_buffer, _start + drop, count);
        }
        // Room for as many again (at most twice the kept limit), so the next appends land in place.
        var next = new VersionRecord[Math.Max(count, (int)Math.Min(Math.Max(4L, 2L * count), 2L * kept))];
        Span[drop..].CopyTo(next);
        next[count - 1] = record;
        return new VersionWindow(next, 0, count);
    }
}
