using System.Text.Json;
using AgentOS.Computer.Sessions;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Reactor;

/// <summary>
/// A durable run's computer-use workspaces. After each tool step on one of the run's sessions the session's workspace
/// is saved (a tar, as <see cref="SessionManager.SnapshotAsync"/> makes it) as a new version of the run's checkpoint
/// for that session. When a resumed run first uses a session the cut took with it, a new session is created, the last
/// checkpoint is restored into it, and the run's later steps are sent to it under the id the agent knows.
/// </summary>
/// <remarks>Bounded: a workspace above <c>reactor.durable.workspace_max_bytes</c> is not saved (the run goes on and the
/// case is reported); a completed run's checkpoints are deleted. Files are restored, not processes: a shell's variables
/// and background processes do not survive a cut.</remarks>
internal sealed class DurableWorkspace(SessionManager sessions, string runId, string agent, long maxBytes, Action<ReactorStage, string> report)
{
    private readonly List<string> _sessions = [];
    private readonly Dictionary<string, string> _live = new(StringComparer.Ordinal);

    /// <summary>The checkpoint's snapshot name for the run's <paramref name="index"/>th session.</summary>
    public static string SnapshotName(string runId, int index) => $"durable-{runId}-{index}";

    /// <summary>A journaled step returned without running: learn the sessions it created.</summary>
    public void Replayed(SyscallRequest request, SyscallResponse response)
    {
        if (request.Tool?.Call.Name == "session.create" && CreatedId(response) is { } id)
        {
            lock (_sessions)
            {
                _sessions.Add(id);
            }
        }
    }

    /// <summary>Before a live tool step: sends a call on one of the run's lost sessions to its restored replacement.</summary>
    public async Task<ToolCall> BeforeAsync(ToolCall call, CancellationToken cancellationToken)
    {
        if (SessionOf(call) is not { } known || IndexOf(known) is not int index)
        {
            return call;
        }
        string? live;
        lock (_sessions)
        {
            _live.TryGetValue(known, out live);
        }
        if (live is null)
        {
            if (sessions.List(agent).Any(s => s.Id == known))
            {
                live = known; // the session is still here: the fault did not take the process with it
            }
            else
            {
                var created = await sessions.CreateAsync(agent, cancellationToken: cancellationToken).ConfigureAwait(false);
                live = created.Id;
                var name = SnapshotName(runId, index);
                if ((await sessions.SnapshotVersionsAsync(agent, name, cancellationToken).ConfigureAwait(false)).Count > 0)
                {
                    await sessions.RestoreAsync(agent, live, name, cancellationToken: cancellationToken).ConfigureAwait(false);
                    report(ReactorStage.Acted, $"session {known} was lost with the cut: its last workspace checkpoint is restored into new session {live}");
                }
                else
                {
                    report(ReactorStage.Acted, $"session {known} was lost with the cut before any checkpoint: new session {live} starts empty");
                }
            }
            lock (_sessions)
            {
                _live[known] = live;
            }
        }
        return live == known ? call : call with { Arguments = WithSession(call.Arguments, live) };
    }

    /// <summary>After a live tool step: learns a new session, or checkpoints the workspace the step may have changed.</summary>
    public async Task AfterAsync(ToolCall call, SyscallResponse response, CancellationToken cancellationToken)
    {
        if (call.Name == "session.create")
        {
            if (CreatedId(response) is { } id)
            {
                lock (_sessions)
                {
                    _sessions.Add(id);
                    _live[id] = id;
                }
            }
            return;
        }
        if (call.Name == "session.destroy" || SessionOf(call) is not { } known || IndexOf(known) is not int index)
        {
            return;
        }
        string live;
        lock (_sessions)
        {
            live = _live.GetValueOrDefault(known, known);
        }
        ComputerSession session;
        try
        {
            session = sessions.Get(agent, live);
        }
        catch (Syscalls.Errors.InvalidRequestException)
        {
            return; // destroyed or expired: nothing to keep
        }
        long size = new DirectoryInfo(session.WorkspaceHostPath).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }).Sum(f => f.Length);
        if (size > maxBytes)
        {
            report(ReactorStage.Suppressed, $"session {known}'s workspace holds {size} bytes, more than reactor.durable.workspace_max_bytes ({maxBytes}): not checkpointed; a cut now loses its changes since the last checkpoint");
            return;
        }
        await sessions.SnapshotAsync(agent, live, SnapshotName(runId, index), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the run's checkpoints (it completed).</summary>
    public static async Task TrimAsync(Storage.IStorageBackend storage, string agent, string runId, CancellationToken cancellationToken)
    {
        foreach (var entry in await storage.ListAsync($"computer/snapshots/{agent}/", cancellationToken).ConfigureAwait(false))
        {
            if (entry.Path.StartsWith(SessionManager.SnapshotKey(agent, $"durable-{runId}-"), StringComparison.Ordinal))
            {
                await storage.DeleteAsync(entry.Path, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private int? IndexOf(string session)
    {
        lock (_sessions)
        {
            int index = _sessions.IndexOf(session);
            return index < 0 ? null : index;
        }
    }

    private static string? SessionOf(ToolCall call) =>
        call.Arguments.ValueKind == JsonValueKind.Object && call.Arguments.TryGetProperty("session_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;

    private static string? CreatedId(SyscallResponse response) =>
        response.Tool?.Result is { IsError: false, Structured: { ValueKind: JsonValueKind.Object } structured }
        && structured.TryGetProperty("session_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;

    private static JsonElement WithSession(JsonElement arguments, string session)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in arguments.EnumerateObject())
            {
                if (property.NameEquals("session_id"))
                {
                    writer.WriteString("session_id", session);
                }
                else
                {
                    property.WriteTo(writer);
                }
            }
            writer.WriteEndObject();
        }
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
