namespace AgentOS.Storage.Files;

/// <content>Background maintenance: a checkpoint after each sealed segment, and compaction of dead versions.</content>
public sealed partial class FileStore
{
    private const int RelocationChunkBytes = 4 << 20;

    private Task _maintenance = Task.CompletedTask;
    private int _maintaining;
    private List<IDeviceFile> _retired = [];

    /// <summary>Segments deleted by compaction since open.</summary>
    public int SegmentsCompacted { get; private set; }

    /// <summary>The last error of background maintenance (checkpoint or compaction), if any. Maintenance failing
    /// loses nothing (the log stays complete) but lets dead space and open time grow.</summary>
    public Exception? MaintenanceError { get; private set; }

    /// <summary>Runs a checkpoint and a compaction pass now (tests and tools; the store also runs them itself).</summary>
    public async Task MaintainAsync()
    {
        while (Interlocked.Exchange(ref _maintaining, 1) != 0)
        {
            await _maintenance.ConfigureAwait(false);
            await Task.Yield();
        }
        Snapshot snapshot;
        lock (_indexGate)
        {
            snapshot = TakeSnapshot();
        }
        await (_maintenance = MaintainCoreAsync(snapshot)).ConfigureAwait(false);
        if (MaintenanceError is { } error)
        {
            throw new StorageFailedException($"Maintenance of '{Location}' failed: {error.Message}", error);
        }
    }

    private void ScheduleMaintenance(Snapshot snapshot)
    {
        // One run at a time; a segment sealed meanwhile is picked up by the next run.
        if (Interlocked.Exchange(ref _maintaining, 1) == 0)
        {
            _maintenance = Task.Run(() => MaintainCoreAsync(snapshot));
        }
    }

    private async Task StopCompactionAsync()
    {
        await _maintenance.ConfigureAwait(false);
        foreach (var file in _retired)
        {
            file.Dispose();
        }
        _retired.Clear();
    }

    private async Task MaintainCoreAsync(Snapshot snapshot)
    {
        try
        {
            MaintenanceError = null;
            WriteCheckpoint(snapshot);
            await CompactAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or StorageException)
        {
            MaintenanceError = ex;
        }
        finally
        {
            Volatile.Write(ref _maintaining, 0);
        }
    }

    // Compacts the oldest sealed segment while enough sealed bytes are dead: copies its live versions forward through
    // the flusher (each copy applies only if its version is still live at that point of the log), writes a checkpoint
    // that no longer points into it, then deletes it.
    private async Task CompactAsync()
    {
        // Handles retired by the previous pass: any read that found them has long finished.
        foreach (var file in _retired)
        {
            file.Dispose();
        }
        _retired = [];
        for (int pass = 0; pass < 64 && Volatile.Read(ref _disposed) == 0 && _failure is null; pass++)
        {
            int oldest;
            long total = 0, live = 0;
            lock (_indexGate)
            {
                var sealedIds = _segments.Keys.Where(id => id < _activeSegment).Order().ToList();
                if (sealedIds.Count == 0)
                {
                    return;
                }
                oldest = sealedIds[0];
                foreach (var id in sealedIds)
                {
                    total += _segments[id].Length;
                    live += Math.Max(0, _live.GetValueOrDefault(id));
                }
            }
            bool empty;
            lock (_indexGate)
            {
                empty = _live.GetValueOrDefault(oldest) <= 0;
            }
            if (!empty && (total == 0 || (total - live) / (double)total < _options.CompactionDeadRatio))
            {
                return;
            }
            if (!empty)
            {
                await RelocateLiveAsync(oldest).ConfigureAwait(false);
                lock (_indexGate)
                {
                    empty = _live.GetValueOrDefault(oldest) <= 0;
                }
                if (!empty)
                {
                    continue; // a concurrent write kept a version from moving; the next pass moves it
                }
            }
            Snapshot snapshot;
            lock (_indexGate)
            {
                snapshot = TakeSnapshot();
            }
            WriteCheckpoint(snapshot);
            if (_segments.TryRemove(oldest, out var retired))
            {
                _retired.Add(retired);
            }
            _device.DeleteFile(SegmentName(oldest));
            _device.SyncDirectory();
            lock (_indexGate)
            {
                _live.Remove(oldest);
            }
            SegmentsCompacted++;
        }
    }

    private async Task RelocateLiveAsync(int segment)
    {
        var file = _segments[segment];
        var data = new byte[file.Length];
        file.Read(0, data);
        var ops = new List<CommitOp>();
        long chunk = 0;
        int p = (int)DataStart(segment);
        while (p < data.Length)
        {
            int frame = LogRecord.CheckFrame(data.AsSpan(p));
            if (frame < 0)
            {
                throw new StorageCorruptException($"Segment {segment} in '{Location}' has a damaged record at offset {p}; compaction stopped. Restore the folder from a copy.");
            }
            foreach (var op in LogRecord.ReadOps(data.AsSpan(p, frame)))
            {
                if (op.Kind != LogRecord.Put)
                {
                    continue;
                }
                var record = new VersionRecord(op.Version, op.Ticks, segment, p + op.ValueOffset, op.ValueLength, op.ValueCrc);
                bool live;
                lock (_indexGate)
                {
                    live = _index.TryGetValue(op.Key, out var versions) && versions.Span.Contains(record);
                }
                if (live)
                {
                    ops.Add(new CommitOp(CommitOpKind.Relocate, op.Key, data.AsMemory(p + op.ValueOffset, op.ValueLength)) { From = record });
                    chunk += op.ValueLength + 64;
                }
                if (chunk >= RelocationChunkBytes)
                {
                    await SubmitAsync(new Commit([.. ops]), CancellationToken.None).ConfigureAwait(false);
                    ops.Clear();
                    chunk = 0;
                }
            }
            p += frame;
        }
        if (ops.Count > 0)
        {
            await SubmitAsync(new Commit([.. ops]), CancellationToken.None).ConfigureAwait(false);
        }
    }
}
