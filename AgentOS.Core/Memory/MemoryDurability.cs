namespace AgentOS.Memory;

/// <summary>When a memory change (add, update, remove) is acknowledged.</summary>
public enum MemoryDurability
{
    /// <summary>Once it is durable: written to the store's log and synced, so it survives a crash (the default).</summary>
    Durable,

    /// <summary>Once it is applied in memory and its log entry is in the log's open batch (written within a few
    /// milliseconds, together with the other relaxed changes), without waiting for the sync: faster, but a crash in the
    /// next few milliseconds may lose it. Asked for explicitly; responses say <c>durable: false</c>.</summary>
    Relaxed,
}
