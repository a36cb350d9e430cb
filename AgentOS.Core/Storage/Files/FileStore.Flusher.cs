using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace AgentOS.Storage.Files;

/// <content>The flusher: group commit.</content>
public sealed partial class FileStore
{
    // Submitters add to _queue under _queueGate and pulse when it was empty; the flusher waits only while _queue is
    // empty (checked under the same lock), so a wake-up cannot be lost.
    private readonly object _queueGate = new();
    private List<Commit> _queue = [];
    private List<Commit> _spare = [];
    private bool _stopping;

    // Single writes acknowledged whose writer has not yet resumed (its continuation is queued on the thread pool):
    // added by the flusher as it completes them, taken off by each writer as it resumes. See FlushLoop.
    private int _returning;
    private const int GatherSpins = 64;
    private Thread? _flusher;
    private volatile Exception? _failure;
    private readonly Stack<CommitCompletion> _completions = new();

    // Flusher-only state (also used by recovery before the flusher starts).
    private readonly Dictionary<string, int> _overlay = new(StringComparer.Ordinal);
    private readonly Dictionary<int, long> _live = [];
    private byte[] _buffer = new byte[1 << 16];
    private IDeviceFile _active = null!;
    private int _activeSegment;
    private long _tail;
    // Values shorter than this are checksummed twice: a second pass over them costs less than a combine.
    private const int CombineFrom = 256;
    private int _shiftBytes = -1;
    private uint _shiftOperator;

    /// <summary>Appends synced since open (one per group); written only by the flusher. Benchmarks divide writes by it.</summary>
    internal long Syncs { get; private set; }

    private void StartFlusher()
    {
        _flusher = new Thread(FlushLoop) { IsBackground = true, Name = "AgentOS file store flusher" };
        _flusher.Start();
    }

    private async Task StopFlusherAsync()
    {
        lock (_queueGate)
        {
            _stopping = true;
            Monitor.Pulse(_queueGate);
        }
        var flusher = _flusher;
        if (flusher is not null)
        {
            await Task.Run(flusher.Join).ConfigureAwait(false);
        }
    }

    // Not async: the commit itself is the awaitable. Throws (a cancelled token, a disposed store) surface from the
    // callers' own async methods, as faults of the tasks they return.
    private ValueTask SubmitAsync(Commit commit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        lock (_queueGate)
        {
            if (_stopping)
            {
                ThrowIfDisposed();
            }
            _queue.Add(commit);
            if (_queue.Count == 1)
            {
                Monitor.Pulse(_queueGate);
            }
        }
        // Once queued the commit will happen: the sync cannot be withdrawn half way, so the token no longer applies.
        return commit.AsValueTask();
    }

    private void FlushLoop()
    {
        var gather = new SpinWait();
        while (true)
        {
            // Writers the last group acknowledged come back with their next write as soon as their continuation runs
            // on the thread pool. Waiting the moment that takes, instead of syncing the one or two already queued,
            // lets them share the next sync: on a fast disk every sync, and every park and wake-up of this thread and
            // of the pool's, costs more than the whole write. Bounded, so a starved pool (or a writer blocking inside
            // its continuation) only delays a group a little; never when the writes were acknowledged long ago (slow
            // disks), nor without group commit. (Parking here instead, woken by the last writer back, measured worse:
            // 8 futex calls per sync against 0.3, and no less CPU per write.)
            if (_options.GroupCommit && Volatile.Read(ref _returning) > 0 && gather.Count < GatherSpins)
            {
                gather.SpinOnce(sleep1Threshold: -1);
                continue;
            }
            gather.Reset();
            List<Commit> group;
            lock (_queueGate)
            {
                while (_queue.Count == 0 && !_stopping)
                {
                    Monitor.Wait(_queueGate);
                }
                if (_queue.Count == 0)
                {
                    return;
                }
                if (_options.GroupCommit)
                {
                    group = _queue;
                    _queue = _spare;
                }
                else
                {
                    group = _spare;
                    group.Add(_queue[0]);
                    _queue.RemoveAt(0);
                }
            }
            Flush(group);
            group.Clear();
            _spare = group;
        }
    }

    // One group: stage every commit's frame into one buffer, one append, one sync, then publish and acknowledge.
    private void Flush(List<Commit> group)
    {
        if (_failure is { } failed)
        {
            FailAll(group, failed);
            return;
        }
        try
        {
            if (_tail >= _options.SegmentBytes)
            {
                Rollover();
            }
            _overlay.Clear();
            int length = 0;
            long ticks = _time.GetUtcNow().UtcTicks;
            foreach (var commit in group)
            {
                length = Stage(commit, length, ticks);
            }
            if (length > 0)
            {
                _active.Write(_tail, _buffer.AsSpan(0, length));
                _active.Sync();
                Syncs++;
            }
            lock (_indexGate)
            {
                foreach (var commit in group)
                {
                    Publish(commit);
                }
                _tail += length;
            }
        }
        catch (Exception ex)
        {
            // After a failed write or sync the file's state is unknown (and Linux may have dropped the dirty pages):
            // stop accepting writes rather than acknowledge anything on top of it. What was acknowledged is intact.
            _failure = ex;
            try
            {
                _active.SetLength(_tail);
            }
            catch (Exception truncate) when (truncate is IOException or UnauthorizedAccessException)
            {
                // Recovery cuts a torn tail anyway.
            }
            FailAll(group, ex);
            return;
        }
        int pooled = 0;
        foreach (var commit in group)
        {
            pooled += commit.Pooled ? 1 : 0;
        }
        // Counted before the first completion, so a resumed writer never takes the count below what is pending.
        Interlocked.Add(ref _returning, pooled);
        CompleteAll(group, failure: null);
    }

    private void FailAll(List<Commit> group, Exception cause) => CompleteAll(group, cause);

    // Hands the group's acknowledgements to the pool in work items of CommitCompletion.Capacity commits.
    private void CompleteAll(List<Commit> group, Exception? failure)
    {
        CommitCompletion? chunk = null;
        foreach (var commit in group)
        {
            chunk ??= RentCompletion();
            chunk.Add(commit);
            if (chunk.IsFull)
            {
                chunk.Start(failure);
                chunk = null;
            }
        }
        chunk?.Start(failure);
    }

    private CommitCompletion RentCompletion()
    {
        lock (_completions)
        {
            if (_completions.TryPop(out var completion))
            {
                return completion;
            }
        }
        return new CommitCompletion(_completions);
    }

    // Appends the commit's frame at buffer[start..]; returns the new end. Assigns versions against the index plus the
    // group's earlier commits (the overlay), so concurrent writers of one key get consecutive versions.
    private int Stage(Commit commit, int start, long ticks)
    {
        if (commit.ExpectedVersion is { } expected && Latest(commit.Ops[0].Key) != expected)
        {
            commit.Conflicted = true;
            return start;
        }
        int size = LogRecord.FrameHeader + 4;
        bool relocates = false;
        foreach (var op in commit.Ops)
        {
            size += op.Kind == CommitOpKind.Delete ? LogRecord.DeleteSize(op.Key) : LogRecord.PutSize(op.Key, op.Value.Length);
            relocates |= op.Kind == CommitOpKind.Relocate;
        }
        EnsureBuffer(start + size);
        var frame = _buffer.AsSpan(start, size);
        int p = LogRecord.FrameHeader + 4;
        int count = 0;
        // Without relocations (which may skip ops) the frame's length and op count are known before its ops are
        // written, so its checksum runs along as they are: each value is read once, for its own checksum, which is
        // then combined into the frame's (the profile's largest item was checksumming every value twice).
        uint frameCrc = 0;
        if (!relocates)
        {
            BinaryPrimitives.WriteInt32LittleEndian(frame[4..], size - LogRecord.FrameHeader);
            BinaryPrimitives.WriteInt32LittleEndian(frame[LogRecord.FrameHeader..], commit.Ops.Length);
            frameCrc = Crc32C.Compute(frame[4..p]);
        }
        for (int i = 0; i < commit.Ops.Length; i++)
        {
            var op = commit.Ops[i];
            if (op.Kind == CommitOpKind.Delete)
            {
                commit.Existed |= Latest(op.Key) > 0;
                _overlay[op.Key] = 0;
                int deleteBytes = LogRecord.WriteDelete(frame[p..], op.Key);
                frameCrc = Crc32C.Append(frameCrc, frame.Slice(p, deleteBytes));
                p += deleteBytes;
                count++;
                continue;
            }
            int version;
            long when;
            uint crc;
            int valueAt, written;
            if (op.Kind == CommitOpKind.Relocate)
            {
                if (!IsLive(op.Key, op.From))
                {
                    commit.Staged[i] = default;
                    continue;
                }
                (version, when, crc) = (op.From.Version, op.From.Ticks, op.From.Crc);
                valueAt = LogRecord.WritePut(frame[p..], op.Key, version, when, op.Value.Span, crc, out written);
            }
            else
            {
                version = Latest(op.Key) + 1;
                when = ticks;
                _overlay[op.Key] = version;
                valueAt = LogRecord.WritePut(frame[p..], op.Key, version, when, op.Value.Span, 0, out written);
                crc = Crc32C.Compute(frame.Slice(p + valueAt, op.Value.Length));
                LogRecord.SetValueCrc(frame[p..], valueAt, crc);
                frameCrc = op.Value.Length < CombineFrom
                    ? Crc32C.Append(frameCrc, frame.Slice(p, written))
                    : Crc32C.CombineShifted(Crc32C.Append(frameCrc, frame.Slice(p, valueAt)), crc, ShiftFor(op.Value.Length));
            }
            commit.Staged[i] = new VersionRecord(version, when, _activeSegment, _tail + start + p + valueAt, op.Value.Length, crc);
            p += written;
            count++;
        }
        if (count == 0)
        {
            return start;
        }
        if (relocates)
        {
            BinaryPrimitives.WriteInt32LittleEndian(frame[LogRecord.FrameHeader..], count);
            LogRecord.Seal(frame[..p]);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(frame, frameCrc);
        }
        return start + p;
    }

    // The shift that combines a value's checksum into its frame's, kept for the last value length (usually the next).
    private uint ShiftFor(int bytes)
    {
        if (bytes != _shiftBytes)
        {
            _shiftOperator = Crc32C.ShiftOperator(bytes);
            _shiftBytes = bytes;
        }
        return _shiftOperator;
    }

    private void Publish(Commit commit)
    {
        if (commit.Conflicted)
        {
            return;
        }
        for (int i = 0; i < commit.Ops.Length; i++)
        {
            var op = commit.Ops[i];
            if (op.Kind == CommitOpKind.Delete)
            {
                Remove(op.Key);
            }
            else if (commit.Staged[i].Version > 0)
            {
                Put(op.Key, commit.Staged[i]);
                commit.Results[i] = commit.Staged[i].ToEntry(op.Key);
            }
        }
    }

    private int Latest(string key) =>
        _overlay.TryGetValue(key, out int version) ? version
        : _index.TryGetValue(key, out var versions) ? versions.Latest.Version : 0;

    // A relocation copies a version only if it still exists where compaction found it and nothing in this group
    // touched its key: a copy of a dead version would come back to life on replay.
    private bool IsLive(string key, VersionRecord from)
    {
        if (_overlay.ContainsKey(key) || !_index.TryGetValue(key, out var versions))
        {
            return false;
        }
        foreach (var version in versions.Span)
        {
            if (version.Version == from.Version)
            {
                return version.Segment == from.Segment && version.Offset == from.Offset;
            }
        }
        return false;
    }

    // Index updates, shared by the flusher and replay. A put of a version the key already has replaces it (a
    // relocation); otherwise it goes in version order, and versions past the kept limit drop off the old end.
    private void Put(string key, VersionRecord record)
    {
        AddLive(record.Segment, record.Footprint);
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_index, key, out bool exists);
        if (!exists)
        {
            slot = new VersionWindow([record]);
            return;
        }
        var versions = slot.Span;
        if (versions[^1].Version < record.Version)
        {
            // The common case, a new latest version: appended in place.
            slot = slot.Append(record, _options.VersionsKept, out var dropped);
            foreach (var old in dropped)
            {
                Forget(old);
            }
            return;
        }
        int at = versions.Length;
        while (at > 0 && versions[at - 1].Version > record.Version)
        {
            at--;
        }
        if (at > 0 && versions[at - 1].Version == record.Version)
        {
            var copy = versions.ToArray();
            Forget(copy[at - 1]);
            copy[at - 1] = record;
            slot = new VersionWindow(copy);
            return;
        }
        int keep = Math.Min(versions.Length + 1, _options.VersionsKept);
        int drop = versions.Length + 1 - keep;
        var next = new VersionRecord[keep];
        int n = 0;
        for (int i = 0; i <= versions.Length; i++)
        {
            var item = i < at ? versions[i] : i == at ? record : versions[i - 1];
            if (i < drop)
            {
                Forget(item);
            }
            else
            {
                next[n++] = item;
            }
        }
        slot = new VersionWindow(next);
    }

    private void Remove(string key)
    {
        if (_index.Remove(key, out var versions))
        {
            foreach (var version in versions.Span)
            {
                Forget(version);
            }
        }
    }

    private void AddLive(int segment, long bytes) => CollectionsMarshal.GetValueRefOrAddDefault(_live, segment, out _) += bytes;

    private void Forget(VersionRecord record) => AddLive(record.Segment, -record.Footprint);

    private void EnsureBuffer(int size)
    {
        if (_buffer.Length < size)
        {
            Array.Resize(ref _buffer, Math.Max(size, _buffer.Length * 2));
        }
    }
}
