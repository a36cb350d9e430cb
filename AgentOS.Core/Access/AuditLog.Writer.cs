namespace AgentOS.Access;

/// <content>The writer thread: drains allowed records and durable requests, writes, flushes to disk, completes.</content>
public sealed partial class AuditLog
{
    private long _dropsReported;
    private readonly AllowedCoalescer _coalescer = new();

    private void WriterLoop()
    {
        var chunk = new AllowedEntry[Math.Min(_options.Capacity, 4096)];
        var records = new AuditRecord[chunk.Length];
        var requests = new List<DurableRequest>();
        var durable = new List<AuditRecord>();
        try
        {
            while (true)
            {
                while (Volatile.Read(ref _wake) == 0)
                {
                    _writerWait.WaitUntil(_wakeRequested);
                }
                Interlocked.Exchange(ref _wake, 0);
                Interlocked.Exchange(ref _timerArmed, 0);
                WriteOnce(chunk, records, requests, durable);
                if (!_allowed.IsEmpty)
                {
                    if (_allowed.Count >= _options.BatchSize || Volatile.Read(ref _disposing) != 0)
                    {
                        Interlocked.Exchange(ref _wake, 1);
                    }
                    else
                    {
                        ArmTimer();
                    }
                }
                if (Volatile.Read(ref _disposing) != 0 && _allowed.IsEmpty && _durable.IsEmpty)
                {
                    break;
                }
            }
        }
        finally
        {
            Interlocked.Exchange(ref _writerExited, 1);
            while (_durable.TryDequeue(out var late))
            {
                late.Done.TrySetException(Disposed());
            }
            _flushTimer.Dispose();
            _sink.Dispose();
            _stopped.TrySetResult();
        }
    }

    // One batch: durable requests first taken (so every allowed record queued before them is drained after and
    // written with them), then the ring, a gap marker if records were dropped, the durable records, one commit.
    private void WriteOnce(AllowedEntry[] chunk, AuditRecord[] records, List<DurableRequest> requests, List<AuditRecord> durable)
    {
        requests.Clear();
        durable.Clear();
        while (_durable.TryDequeue(out var request))
        {
            requests.Add(request);
            if (request.Record is { } record)
            {
                durable.Add(record);
            }
        }
        long allowed = 0;
        int used = 0;
        bool appended = false;
        try
        {
            int taken;
            // At most one ring's worth per batch, so producers that never pause cannot keep the writer from committing.
            while (allowed < _options.Capacity && (taken = _allowed.Drain(chunk)) > 0)
            {
                allowed += taken;
                used = Math.Max(used, taken);
                int written = _options.CoalesceAllowed ? _coalescer.Coalesce(chunk.AsSpan(0, taken), records) : ToRecords(chunk.AsSpan(0, taken), records);
                _sink.Append(records.AsSpan(0, written));
                appended = true;
            }
            long dropped = Interlocked.Read(ref _allowedDropped);
            if (dropped != _dropsReported)
            {
                _sink.Append([Gap(dropped - _dropsReported)]);
                _dropsReported = dropped;
                appended = true;
            }
            if (durable.Count > 0)
            {
                _sink.Append(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(durable));
                appended = true;
            }
            if (appended)
            {
                _sink.Commit();
            }
            Volatile.Write(ref _allowedRecorded, _allowedRecorded + allowed);
            Volatile.Write(ref _durableRecorded, _durableRecorded + durable.Count);
            foreach (var request in requests)
            {
                request.Done.TrySetResult();
            }
            if (appended)
            {
                Rotate();
            }
        }
#pragma warning disable CA1031 // The writer must outlive any write error: it reports it to every waiting caller and in LastError.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Volatile.Write(ref _lastError, ex);
            Volatile.Write(ref _allowedLost, _allowedLost + allowed);
            var error = new AuditLogException($"The audit log could not write to {Path ?? "memory"}: {ex.Message}. The decision was not recorded; fix the cause (disk space, permissions) before retrying.", ex);
            foreach (var request in requests)
            {
                request.Done.TrySetException(error);
            }
        }
        finally
        {
            // Drop references to the records' strings.
            Array.Clear(chunk, 0, used);
            Array.Clear(records, 0, used);
        }
    }

    private static int ToRecords(ReadOnlySpan<AllowedEntry> entries, AuditRecord[] records)
    {
        for (int i = 0; i < entries.Length; i++)
        {
            records[i] = entries[i].ToRecord();
        }
        return entries.Length;
    }

    // After the callers are told: their records are durable whatever rotation does. A failed rotation leaves the
    // records where they are (the sink reopens its active file at the next append) and is kept in LastError.
    private void Rotate()
    {
        try
        {
            _sink.AfterCommit();
        }
#pragma warning disable CA1031 // Reported in LastError; the next batch retries.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Volatile.Write(ref _lastError, ex);
        }
    }

    private AuditRecord Gap(long lost) => new(
        _options.TimeProvider.GetUtcNow(), "", default, default, null, AuditDecision.Gap,
        Message: $"{lost} allowed decisions were not recorded: the queue of {_options.Capacity} was full (raise AuditLogOptions.Capacity, or lower FlushInterval), or the log was being disposed.");

    private static ObjectDisposedException Disposed() =>
        new(nameof(AuditLog), "The audit log is disposed: nothing more can be recorded. Create a new AuditLog.");
}
