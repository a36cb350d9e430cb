using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using AgentOS.Formats;

namespace AgentOS.Storage.Files;

/// <content>Open: load the newest good checkpoint, replay the log after it, cut a torn tail.</content>
public sealed partial class FileStore
{
    private const string SegmentPrefix = "segment-";
    private const string SegmentSuffix = ".log";
    private const string CheckpointPrefix = "checkpoint-";
    private const string CheckpointSuffix = ".idx";
    private const ulong CheckpointMagic = 0x3154504B43534F41; // "AOSCKPT1"
    private const int CheckpointVersionBytes = 4 + 8 + 4 + 8 + 4 + 4;

    private static string SegmentName(int id) => SegmentPrefix + id.ToString("D8", CultureInfo.InvariantCulture) + SegmentSuffix;

    private void Recover()
    {
        var files = _device.ListFiles();
        var segmentIds = files.Select(f => ParseId(f, SegmentPrefix, SegmentSuffix)).Where(id => id > 0).Order().ToList();
        var checkpoints = files.Where(f => f.StartsWith(CheckpointPrefix, StringComparison.Ordinal) && f.EndsWith(CheckpointSuffix, StringComparison.Ordinal))
            .OrderDescending(StringComparer.Ordinal).ToList();
        var kinds = new Dictionary<int, SegmentHeader.Kind>();
        foreach (var id in segmentIds)
        {
            _segments[id] = _device.OpenFile(SegmentName(id));
            kinds[id] = SegmentHeader.Read(_segments[id], Path.Combine(Location, SegmentName(id)));
            if (kinds[id] != SegmentHeader.Kind.Current)
            {
                _headerless.Add(id);
            }
        }
        (int Segment, long Offset) start = (segmentIds.Count > 0 ? segmentIds[0] : 1, 0);
        foreach (var name in checkpoints)
        {
            if (TryLoadCheckpoint(name, segmentIds) is { } position)
            {
                start = position;
                break;
            }
        }
        for (int i = 0; i < segmentIds.Count; i++)
        {
            int id = segmentIds[i];
            if (id >= start.Segment && kinds[id] != SegmentHeader.Kind.Incomplete)
            {
                Replay(id, Math.Max(id == start.Segment ? start.Offset : 0, DataStart(id)), last: i == segmentIds.Count - 1);
            }
        }
        // New frames go only to a segment with a current header: an empty one (or one whose header a crash cut
        // short) gets it now; a version-0 segment with frames is sealed as it is and a new segment started.
        if (segmentIds.Count > 0 && kinds[segmentIds[^1]] == SegmentHeader.Kind.Incomplete)
        {
            SegmentHeader.Write(_segments[segmentIds[^1]]);
            _headerless.Remove(segmentIds[^1]);
        }
        else if (segmentIds.Count == 0 || kinds[segmentIds[^1]] == SegmentHeader.Kind.Legacy)
        {
            int next = segmentIds.Count == 0 ? 1 : segmentIds[^1] + 1;
            _segments[next] = _device.OpenFile(SegmentName(next));
            SegmentHeader.Write(_segments[next]);
            _device.SyncDirectory();
            segmentIds.Add(next);
        }
        _activeSegment = segmentIds[^1];
        _active = _segments[_activeSegment];
        _tail = _active.Length;
    }

    // Where a segment's frames start: after its header, or at byte 0 in a version-0 segment. The set is filled by
    // Recover and only read afterwards (new segments always get a header).
    private readonly HashSet<int> _headerless = [];

    private long DataStart(int segment) => _headerless.Contains(segment) ? 0 : SegmentHeader.Size;

    private static int ParseId(string name, string prefix, string suffix) =>
        name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(suffix, StringComparison.Ordinal)
        && int.TryParse(name.AsSpan(prefix.Length, name.Length - prefix.Length - suffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int id) ? id : 0;

    // Replays one segment's frames into the index. Only the last segment can end in a torn frame (everything before it
    // was synced before the next segment got a byte). The flusher writes one group at the synced tail and syncs it
    // before it writes again, so a crash can damage only the log's last write, and a torn write is intact up to where
    // it tore. Recovery therefore cuts a damaged frame off (the crash's tear; none of it was acknowledged) only when
    // no intact frame follows it. A damaged frame with an intact one after it is damage to complete, acknowledged
    // records (a bit flip, a lost sector): recovery refuses with StorageCorruptException rather than drop them or
    // return wrong data, and a bad frame in an earlier segment always refuses. The price: a power cut that persisted a
    // later page of the last, unacknowledged write but not an earlier one also refuses, and the message says how to
    // accept that loss; guessing there would mean dropping acknowledged data on a real bit flip.
    private void Replay(int id, long from, bool last)
    {
        var file = _segments[id];
        long length = file.Length;
        if (from > length)
        {
            throw new StorageCorruptException($"Segment {id} in '{Location}' is shorter ({length} bytes) than its checkpoint says ({from}): delete the checkpoint files to rebuild the index from the log.");
        }
        var data = new byte[length - from];
        if (file.Read(from, data) != data.Length)
        {
            throw new IOException($"Segment {id} in '{Location}' could not be read whole.");
        }
        int p = 0;
        while (p < data.Length)
        {
            int frame = LogRecord.CheckFrame(data.AsSpan(p));
            if (frame < 0)
            {
                if (!last)
                {
                    throw new StorageCorruptException($"Segment {id} in '{Location}' has a damaged record at offset {from + p}, before later segments: the disk lost synced data. Restore the folder from a copy.");
                }
                int intact = LogRecord.FindIntactFrame(data.AsSpan(p + 1));
                if (intact >= 0)
                {
                    long at = from + p, next = at + 1 + intact;
                    throw new StorageCorruptException($"Segment {id} in '{Location}' has a damaged record at offset {at}, and an intact record follows at offset {next}: " +
                        "a crash only tears the log's last write, so this is damage to acknowledged data. Restore the folder from a copy. " +
                        $"(To accept losing every record from offset {at} on instead, cut {SegmentName(id)} to {at} bytes.)");
                }
                file.SetLength(from + p);
                file.Sync();
                return;
            }
            List<LogRecord.Op> ops;
            try
            {
                ops = LogRecord.ReadOps(data.AsSpan(p, frame));
            }
            catch (Exception ex) when (ex is FormatException or ArgumentOutOfRangeException)
            {
                throw new StorageCorruptException($"Segment {id} in '{Location}' has an unreadable record at offset {from + p} that passes its checksum: {ex.Message}", ex);
            }
            foreach (var op in ops)
            {
                if (op.Kind == LogRecord.Delete)
                {
                    Remove(op.Key);
                }
                else
                {
                    Put(op.Key, new VersionRecord(op.Version, op.Ticks, id, from + p + op.ValueOffset, op.ValueLength, op.ValueCrc));
                }
            }
            p += frame;
        }
    }

    // ---- the index checkpoint ----
    // header: magic u64 | segment i32 | offset i64 | key count i32
    // key:    key length u16 | key | version count i32 | versions (version i32, ticks i64, segment i32, offset i64,
    //         length i32, crc u32)
    // footer: crc32c u32 of everything before it

    private readonly record struct Snapshot(int Segment, long Offset, KeyValuePair<string, VersionWindow>[] Entries);

    // Taken under _indexGate (or after the flusher stopped): the flusher publishes and moves the tail under that lock,
    // so index and position are a consistent cut. A window's records never change, so copying the windows is enough.
    private Snapshot TakeSnapshot()
    {
        var entries = new KeyValuePair<string, VersionWindow>[_index.Count];
        ((ICollection<KeyValuePair<string, VersionWindow>>)_index).CopyTo(entries, 0);
        return new Snapshot(_activeSegment, _tail, entries);
    }

    private void WriteCheckpoint(Snapshot snapshot)
    {
        long size = 8 + 4 + 8 + 4 + 4;
        foreach (var (key, versions) in snapshot.Entries)
        {
            size += 2 + Encoding.UTF8.GetByteCount(key) + 4 + (long)versions.Count * CheckpointVersionBytes;
        }
        var buffer = new byte[size];
        var span = buffer.AsSpan();
        BinaryPrimitives.WriteUInt64LittleEndian(span, CheckpointMagic);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], snapshot.Segment);
        BinaryPrimitives.WriteInt64LittleEndian(span[12..], snapshot.Offset);
        BinaryPrimitives.WriteInt32LittleEndian(span[20..], snapshot.Entries.Length);
        int p = 24;
        foreach (var (key, versions) in snapshot.Entries)
        {
            int keyBytes = Encoding.UTF8.GetBytes(key, span[(p + 2)..]);
            BinaryPrimitives.WriteUInt16LittleEndian(span[p..], (ushort)keyBytes);
            p += 2 + keyBytes;
            BinaryPrimitives.WriteInt32LittleEndian(span[p..], versions.Count);
            p += 4;
            foreach (var v in versions.Span)
            {
                BinaryPrimitives.WriteInt32LittleEndian(span[p..], v.Version);
                BinaryPrimitives.WriteInt64LittleEndian(span[(p + 4)..], v.Ticks);
                BinaryPrimitives.WriteInt32LittleEndian(span[(p + 12)..], v.Segment);
                BinaryPrimitives.WriteInt64LittleEndian(span[(p + 16)..], v.Offset);
                BinaryPrimitives.WriteInt32LittleEndian(span[(p + 24)..], v.Length);
                BinaryPrimitives.WriteUInt32LittleEndian(span[(p + 28)..], v.Crc);
                p += CheckpointVersionBytes;
            }
        }
        BinaryPrimitives.WriteUInt32LittleEndian(span[p..], Crc32C.Compute(span[..p]));
        string name = CheckpointPrefix + snapshot.Segment.ToString("D8", CultureInfo.InvariantCulture) + "-"
            + snapshot.Offset.ToString("D14", CultureInfo.InvariantCulture) + CheckpointSuffix;
        // A new name every time and the old ones deleted only after it is durable: a crash mid-write leaves the
        // previous checkpoint (and a torn new one that fails its checksum).
        using (var file = _device.OpenFile(name))
        {
            file.SetLength(0);
            file.Write(0, buffer);
            file.Sync();
        }
        _device.SyncDirectory();
        foreach (var old in _device.ListFiles())
        {
            if (old != name && old.StartsWith(CheckpointPrefix, StringComparison.Ordinal) && old.EndsWith(CheckpointSuffix, StringComparison.Ordinal))
            {
                _device.DeleteFile(old);
            }
        }
    }

    private (int Segment, long Offset)? TryLoadCheckpoint(string name, List<int> segmentIds)
    {
        byte[] data;
        using (var file = _device.OpenFile(name))
        {
            data = new byte[file.Length];
            if (data.Length < 28 || file.Read(0, data) != data.Length)
            {
                return null;
            }
        }
        var span = data.AsSpan();
        // The magic's last character is the checkpoint's format version ('1' since the first release): another
        // version is a newer store's checkpoint, refused rather than skipped, since the newer store's segments it
        // describes would be misread too.
        ulong magic = BinaryPrimitives.ReadUInt64LittleEndian(span);
        if ((magic & 0x00FF_FFFF_FFFF_FFFFUL) == (CheckpointMagic & 0x00FF_FFFF_FFFF_FFFFUL) && magic != CheckpointMagic)
        {
            throw new FormatVersionException(Path.Combine(Location, name), "file-store checkpoint", (long)(magic >> 56) - '0', FormatVersions.FileStoreCheckpoint);
        }
        if (magic != CheckpointMagic
            || Crc32C.Compute(span[..^4]) != BinaryPrimitives.ReadUInt32LittleEndian(span[^4..]))
        {
            return null;
        }
        int segment = BinaryPrimitives.ReadInt32LittleEndian(span[8..]);
        long offset = BinaryPrimitives.ReadInt64LittleEndian(span[12..]);
        int count = BinaryPrimitives.ReadInt32LittleEndian(span[20..]);
        if (!segmentIds.Contains(segment) && !(segmentIds.Count == 0 && offset == 0))
        {
            return null;
        }
        _index.EnsureCapacity(count);
        int p = 24;
        for (int k = 0; k < count; k++)
        {
            int keyBytes = BinaryPrimitives.ReadUInt16LittleEndian(span[p..]);
            string key = Encoding.UTF8.GetString(span.Slice(p + 2, keyBytes));
            p += 2 + keyBytes;
            int versionCount = BinaryPrimitives.ReadInt32LittleEndian(span[p..]);
            p += 4;
            var versions = new VersionRecord[versionCount];
            for (int i = 0; i < versionCount; i++)
            {
                var v = new VersionRecord(
                    BinaryPrimitives.ReadInt32LittleEndian(span[p..]),
                    BinaryPrimitives.ReadInt64LittleEndian(span[(p + 4)..]),
                    BinaryPrimitives.ReadInt32LittleEndian(span[(p + 12)..]),
                    BinaryPrimitives.ReadInt64LittleEndian(span[(p + 16)..]),
                    BinaryPrimitives.ReadInt32LittleEndian(span[(p + 24)..]),
                    BinaryPrimitives.ReadUInt32LittleEndian(span[(p + 28)..]));
                versions[i] = v;
                p += CheckpointVersionBytes;
            }
            var kept = versions.Length > _options.VersionsKept ? versions[^_options.VersionsKept..] : versions;
            foreach (var v in kept)
            {
                AddLive(v.Segment, v.Footprint);
            }
            _index[key] = new VersionWindow(kept);
        }
        // Every segment the index points into must still exist, or the checkpoint is from before a compaction.
        foreach (var used in _live.Keys)
        {
            if (_live[used] > 0 && !segmentIds.Contains(used))
            {
                _index.Clear();
                _live.Clear();
                return null;
            }
        }
        return (segment, offset);
    }

    private void Rollover()
    {
        int next = _activeSegment + 1;
        var file = _device.OpenFile(SegmentName(next));
        SegmentHeader.Write(file);
        _device.SyncDirectory();
        _segments[next] = file;
        Snapshot snapshot;
        lock (_indexGate)
        {
            _activeSegment = next;
            _active = file;
            _tail = SegmentHeader.Size;
            snapshot = TakeSnapshot();
        }
        ScheduleMaintenance(snapshot);
    }
}
