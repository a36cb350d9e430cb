namespace AgentOS.Access;

/// <summary>Keeps the newest records in memory, for tests and for hosts that ship audit records elsewhere.</summary>
internal sealed class MemoryAuditSink(int retention) : AuditSink
{
    private readonly Lock _gate = new();
    private readonly Queue<AuditRecord> _records = new();

    public override string? Path => null;

    public override void Append(ReadOnlySpan<AuditRecord> records)
    {
        lock (_gate)
        {
            foreach (var record in records)
            {
                if (_records.Count == retention)
                {
                    _records.Dequeue();
                }
                _records.Enqueue(record);
            }
        }
    }

    public override void Commit()
    {
    }

    public override IReadOnlyList<AuditRecord> ReadAll()
    {
        lock (_gate)
        {
            return [.. _records];
        }
    }

    public override AuditLogStatistics Statistics() => new(null, 0, 0, 0, 0, 0, 0);

    public override void Dispose()
    {
    }
}
