using System.Text;

namespace AgentOS.Computer.Terminal;

/// <summary>
/// Gathers one stream of one command: keeps its first <c>cap</c> bytes, counts the rest, and watches for the end
/// marker the shell prints after the command (<c>\x1E AOS nonce [:status] \x1E</c>), which may arrive split across
/// reads. Bytes after the marker (a background job writing late) are not the command's and are dropped.
/// </summary>
internal sealed class OutputCollector(byte[] markerPrefix, int cap, bool markerHasStatus)
{
    private const byte Separator = 0x1E;
    private readonly List<byte> _pending = new(256);
    private byte[] _head = new byte[Math.Min(cap, 4096)];
    private int _headLength;
    private long _total;

    public bool Done { get; private set; }

    /// <summary>The status the stdout marker carried.</summary>
    public int Status { get; private set; }

    public long TotalBytes => _total;

    /// <summary>Whether more bytes came than the cap kept.</summary>
    public bool Truncated => _total > _headLength;

    /// <summary>Takes a chunk; returns true once the marker has been seen.</summary>
    public bool Append(ReadOnlySpan<byte> chunk)
    {
        if (Done)
        {
            return true;
        }
        foreach (var b in chunk)
        {
            _pending.Add(b);
        }
        var pending = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pending);
        int at = pending.IndexOf(markerPrefix);
        if (at >= 0)
        {
            int end = pending[(at + markerPrefix.Length)..].IndexOf(Separator);
            if (end < 0)
            {
                return false; // the marker's tail has not arrived yet
            }
            if (markerHasStatus)
            {
                var digits = Encoding.ASCII.GetString(pending.Slice(at + markerPrefix.Length, end));
                Status = int.TryParse(digits, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int status) ? status : -1;
            }
            Keep(pending[..at]);
            _pending.Clear();
            Done = true;
            return true;
        }
        // Everything but a tail that could be the start of a marker is the command's.
        int safe = pending.Length - markerPrefix.Length - 16;
        if (safe > 0)
        {
            Keep(pending[..safe]);
            _pending.RemoveRange(0, safe);
        }
        return false;
    }

    /// <summary>Takes what is pending as output (the stream ended without a marker).</summary>
    public void Flush()
    {
        Keep(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pending));
        _pending.Clear();
    }

    /// <summary>The kept bytes as text.</summary>
    public string Text() => Encoding.UTF8.GetString(_head, 0, _headLength);

    private void Keep(ReadOnlySpan<byte> bytes)
    {
        _total += bytes.Length;
        int room = cap - _headLength;
        if (room <= 0 || bytes.IsEmpty)
        {
            return;
        }
        var take = bytes[..Math.Min(room, bytes.Length)];
        if (_headLength + take.Length > _head.Length)
        {
            Array.Resize(ref _head, Math.Min(cap, Math.Max(_head.Length * 2, _headLength + take.Length)));
        }
        take.CopyTo(_head.AsSpan(_headLength));
        _headLength += take.Length;
    }
}
