using System.Collections.Concurrent;
using AgentOS.Queues;

namespace AgentOS.Access;

/// <summary>
/// The access manager's audit trail: one JSON line per decision (time, agent, resource, operation, target, decision,
/// reason). Denials and approvals are written and flushed to disk before the call that records them returns; allowed
/// decisions are queued lock-free and written in batches by a background thread, so the syscall path never waits on
/// disk.
/// </summary>
/// <remarks>
/// <para><b>Two paths.</b> <see cref="RecordAllowed"/> publishes into a bounded MPSC ring (one compare-and-swap, no
/// allocation, never blocks). The writer thread drains it when <see cref="AuditLogOptions.BatchSize"/> records wait or
/// <see cref="AuditLogOptions.FlushInterval"/> after the first one arrived, whichever is sooner, writes the batch and
/// flushes it to disk. <see cref="RecordDurableAsync"/> hands the record to the same thread, which writes it together
/// with every allowed record queued before it and whatever else is waiting (one fsync covers them all: group commit),
/// then completes the caller.</para>
/// <para><b>No idle polling.</b> The flush timer is armed only by the first record into an empty queue. The writer
/// disarms (clears <c>_timerArmed</c> with a full fence) before draining, and after draining re-checks the ring and
/// re-arms if records arrived meanwhile; a producer publishes (a full fence) and then reads the flag. Dekker-style,
/// one of the two always sees the other, so no record waits without a timer.</para>
/// <para><b>When full</b>, allowed records are counted in <see cref="AllowedDropped"/> and a
/// <see cref="AuditDecision.Gap"/> record says how many were lost; durable records are never dropped. A write error
/// fails the durable callers waiting on that batch with <see cref="AuditLogException"/> and is kept in
/// <see cref="LastError"/>.</para>
/// <para>One <see cref="AuditLog"/> per file: two logs appending to one file may interleave partial lines.</para>
/// </remarks>
public sealed partial class AuditLog : IDisposable, IAsyncDisposable
{
    private readonly AuditSink _sink;
    private readonly AuditLogOptions _options;
    private readonly MpscRing<AllowedEntry> _allowed;
    private readonly ConcurrentQueue<DurableRequest> _durable = new();
    private readonly BlockingWaitStrategy _writerWait = new();
    private readonly Func<bool> _wakeRequested;
    private readonly ITimer _flushTimer;
    private readonly Thread _writer;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _wake;              // 1: the writer should run (set by producers, the timer, durable requests)
    private int _timerArmed;        // 1: the flush timer is armed for records already queued
    private int _disposing;
    private int _writerExited;      // 1: the writer has stopped taking requests (set before its last sweep)
    private long _allowedDropped;   // incremented by producers that found the ring full
    private long _allowedRecorded;  // written by the writer only
    private long _allowedLost;      // written by the writer only: drained but not written (write errors)
    private long _durableRecorded;  // written by the writer only
    private Exception? _lastError;

    private AuditLog(AuditSink sink, AuditLogOptions? options)
    {
        _options = options ?? new AuditLogOptions();
        _options.Validate();
        _sink = sink;
        // The ring's own wake is a no-op: the writer sleeps on _writerWait and is woken only by the batch threshold,
        // the timer or a durable request, never by every publish.
        _allowed = new MpscRing<AllowedEntry>(_options.Capacity, new BusySpinWaitStrategy());
        _wakeRequested = () => Volatile.Read(ref _wake) != 0;
        _flushTimer = _options.TimeProvider.CreateTimer(static state => ((AuditLog)state!).WakeWriter(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _writer = new Thread(WriterLoop) { IsBackground = true, Name = "agentos-audit" };
        _writer.Start();
    }

    /// <summary>Opens (or creates) a JSON-lines audit file and appends to it.</summary>
    /// <exception cref="IOException">The file cannot be opened for appending.</exception>
    /// <exception cref="AuditLogException">The active file is in a newer audit format, or its header is damaged.</exception>
    public static AuditLog Open(string path, AuditLogOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new AuditLogOptions();
        options.Validate();
        return new AuditLog(new FileAuditSink(path, options), options);
    }

    /// <summary>Creates a log kept in memory (the newest <see cref="AuditLogOptions.MemoryRetention"/> records), for
    /// tests and for hosts that ship audit records elsewhere. "Durable" then means "in the list".</summary>
    public static AuditLog InMemory(AuditLogOptions? options = null) =>
        new(new MemoryAuditSink((options ?? new AuditLogOptions()).MemoryRetention), options);

    /// <summary>Reads every record of the audit log whose active file is <paramref name="path"/>, oldest first:
    /// its archives and sealed segments, then the active file; also while another process appends, rotates and
    /// archives. Reads both the current format and the unversioned one of earlier versions. A last line cut short by a
    /// crash is skipped.</summary>
    /// <exception cref="AuditLogException">A line other than the last is not a valid record, or a file is in a newer
    /// format.</exception>
    public static IReadOnlyList<AuditRecord> ReadFile(string path) => AuditFiles.ReadAll(System.IO.Path.GetFullPath(path));

    /// <summary>Reads one file of an audit log: the active file, a sealed segment (<c>audit.jsonl.000007</c>) or an
    /// archive (<c>audit.jsonl.000007.gz</c>, <c>.d.gz</c>), in the current or the unversioned format.</summary>
    /// <exception cref="AuditLogException">A line other than the last is not a valid record, or the file is in a
    /// newer format.</exception>
    public static IReadOnlyList<AuditRecord> ReadSegment(string file) => AuditFiles.ReadOne(file);

    /// <summary>The audit file's full path, or <see langword="null"/> for an in-memory log.</summary>
    public string? Path => _sink.Path;

    /// <summary>The log's files and their sizes (a snapshot; lists the folder).</summary>
    public AuditLogStatistics Statistics => _sink.Statistics();

    /// <summary>Completes once the segments sealed so far are archived and retention has run (tests).</summary>
    internal Task ArchivingIdle => _sink is FileAuditSink file ? file.ArchivingIdle : Task.CompletedTask;

    /// <summary>Allowed decisions written and flushed to disk.</summary>
    public long AllowedRecorded => Volatile.Read(ref _allowedRecorded);

    /// <summary>Allowed decisions queued and not yet written (a snapshot).</summary>
    public int AllowedPending => _allowed.Count;

    /// <summary>Allowed decisions not recorded because the queue was full (or the log was disposed); each loss is
    /// marked in the log by a <see cref="AuditDecision.Gap"/> record.</summary>
    public long AllowedDropped => Interlocked.Read(ref _allowedDropped);

    /// <summary>Allowed decisions drained but lost to a write error (see <see cref="LastError"/>).</summary>
    public long AllowedLost => Volatile.Read(ref _allowedLost);

    /// <summary>Denials and approvals written and flushed to disk.</summary>
    public long DurableRecorded => Volatile.Read(ref _durableRecorded);

    /// <summary>The most recent write error, or <see langword="null"/>.</summary>
    public Exception? LastError => Volatile.Read(ref _lastError);

    /// <summary>
    /// Queues an allowed decision for the next batch. Lock-free and allocation-free; never blocks. When the queue is
    /// full the record is counted in <see cref="AllowedDropped"/> instead.
    /// </summary>
    /// <param name="time">When the decision was made.</param>
    /// <param name="agent">The requesting agent.</param>
    /// <param name="resource">The resource class.</param>
    /// <param name="operation">The operation.</param>
    /// <param name="target">The tool, storage path, memory owner or backend.</param>
    /// <param name="tokens">The request's estimated tokens.</param>
    public void RecordAllowed(DateTimeOffset time, string agent, ResourceKind resource, AccessOperation operation, string? target, int tokens = 0) =>
        RecordAllowedAt(time.UtcTicks, agent, resource, operation, target, tokens);

    internal void RecordAllowedAt(long utcTicks, string agent, ResourceKind resource, AccessOperation operation, string? target, int tokens, string? actedBy = null)
    {
        // A compact entry (half an AuditRecord): the ring is written on every allowed syscall, so its lines matter.
        if (!_allowed.TryPublish(new AllowedEntry(utcTicks, agent, target, tokens, resource, operation, actedBy)))
        {
            Interlocked.Increment(ref _allowedDropped);
            WakeWriter();
            return;
        }
        // The publish was a full fence; now read the flag (see the remarks on lost wake-ups).
        if (Volatile.Read(ref _timerArmed) == 0)
        {
            ArmTimer();
        }
        else if (_allowed.Count >= _options.BatchSize)
        {
            WakeWriter();
        }
    }

    /// <summary>
    /// Writes <paramref name="record"/> and flushes it to disk, together with every allowed decision queued before it;
    /// the task completes once the record is durable.
    /// </summary>
    /// <exception cref="AuditLogException">The record could not be written; act as if nothing was decided.</exception>
    /// <exception cref="ObjectDisposedException">The log is disposed.</exception>
    public Task RecordDurableAsync(AuditRecord record) => Enqueue(record);

    /// <summary><see cref="RecordDurableAsync"/>, blocking the calling thread until the record is on disk.</summary>
    public void RecordDurable(AuditRecord record) => Enqueue(record).GetAwaiter().GetResult();

    /// <summary>Writes and flushes to disk everything queued before this call.</summary>
    /// <exception cref="AuditLogException">A write failed.</exception>
    public Task FlushAsync(CancellationToken cancellationToken = default) =>
        Enqueue(null).WaitAsync(cancellationToken);

    /// <summary>The records on disk (active file, segments and archives) or in memory, oldest first: what a crash now
    /// would leave.</summary>
    public IReadOnlyList<AuditRecord> ReadAll() => _sink.ReadAll();

    /// <summary>Writes everything queued, flushes it to disk, stops the writer thread and closes the file.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposing, 1) == 0)
        {
            _allowed.Complete();
            WakeWriter();
        }
        _stopped.Task.GetAwaiter().GetResult();
    }

    /// <summary>Like <see cref="Dispose"/>, without blocking a thread while the last batch is written.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposing, 1) == 0)
        {
            _allowed.Complete();
            WakeWriter();
        }
        await _stopped.Task.ConfigureAwait(false);
    }

    private Task Enqueue(AuditRecord? record)
    {
        var request = new DurableRequest(record);
        _durable.Enqueue(request); // interlocked: a full fence before the flag read below
        if (Volatile.Read(ref _writerExited) != 0)
        {
            // The writer sets the flag and then sweeps the queue, so either it fails this request or we do.
            request.Done.TrySetException(Disposed());
        }
        WakeWriter();
        return request.Done.Task;
    }

    private void ArmTimer()
    {
        if (Interlocked.CompareExchange(ref _timerArmed, 1, 0) == 0)
        {
            _flushTimer.Change(_options.FlushInterval, Timeout.InfiniteTimeSpan);
        }
    }

    private void WakeWriter()
    {
        if (Volatile.Read(ref _wake) == 0 && Interlocked.Exchange(ref _wake, 1) == 0)
        {
            _writerWait.Wake();
        }
    }

    private readonly record struct AllowedEntry(long UtcTicks, string Agent, string? Target, int Tokens, ResourceKind Resource, AccessOperation Operation, string? ActedBy)
    {
        public AuditRecord ToRecord() => new(new DateTimeOffset(UtcTicks, TimeSpan.Zero), Agent, Resource, Operation, Target, AuditDecision.Allowed, Tokens: Tokens, ActedBy: ActedBy);
    }

    private sealed class DurableRequest(AuditRecord? record)
    {
        public AuditRecord? Record { get; } = record;
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
