using System.Globalization;
using System.Text.Json;
using AgentOS.Access;
using AgentOS.Events;
using AgentOS.Serialization;
using AgentOS.Storage;

namespace AgentOS.Evolution;

/// <summary>
/// Keeps the loop's changes: each one is written to storage under its version (<c>kernel/evolution/changes/NNNNNNNN</c>)
/// and audited before it counts as recorded, and published on the event bus (type <c>agentos.evolution</c>). A kernel
/// that starts the loop again reads the history back, so versions continue and the settings last in force return.
/// </summary>
internal sealed class EvolutionRecorder(IStorageBackend storage, AuditLog audit, EventBus events)
{
    /// <summary>Where changes are kept in the kernel's storage.</summary>
    public const string Prefix = "kernel/evolution/changes/";

    /// <summary>The changes' event type name on the bus.</summary>
    public const string EventType = "agentos.evolution";

    /// <summary>The agent id changes are audited as.</summary>
    public const string Actor = "kernel.evolution";

    /// <summary>The changes kept so far, oldest first.</summary>
    public static async Task<IReadOnlyList<EvolutionChange>> LoadAsync(IStorageBackend storage, CancellationToken cancellationToken = default)
    {
        var changes = new List<EvolutionChange>();
        foreach (var entry in await storage.ListAsync(Prefix, cancellationToken).ConfigureAwait(false))
        {
            if (await storage.ReadAsync(entry.Path, cancellationToken: cancellationToken).ConfigureAwait(false) is { } value)
            {
                var change = JsonSerializer.Deserialize(value.Data.Span, AgentOSJsonContext.Default.EvolutionChange)
                    ?? throw new InvalidDataException($"The evolution change at '{entry.Path}' is empty; delete it or restore it from a backup.");
                changes.Add(change);
            }
        }
        return [.. changes.OrderBy(c => c.Version)];
    }

    /// <summary>Writes, audits and publishes one change (in that order: it is durable before anyone hears of it).</summary>
    public void Record(EvolutionChange change)
    {
        var key = Prefix + change.Version.ToString("D8", CultureInfo.InvariantCulture);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(change, AgentOSJsonContext.Default.EvolutionChange);
        storage.WriteAsync(key, bytes).AsTask().GetAwaiter().GetResult();
        audit.RecordDurable(new AuditRecord(change.At, Actor, ResourceKind.Llm, AccessOperation.Write, "llm-queue", AuditDecision.Allowed,
            Message: string.Create(CultureInfo.InvariantCulture, $"v{change.Version} {change.Kind}: {change.From} -> {change.To}: {change.Reason}")));
        events.Publish(change);
    }
}
