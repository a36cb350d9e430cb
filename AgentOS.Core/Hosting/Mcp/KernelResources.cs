using System.Text;
using AgentOS.Events;
using AgentOS.Kernel;
using AgentOS.Mcp.Protocol;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Hosting.Mcp;

/// <summary>
/// The kernel's storage and memory as MCP resources: <c>agentos://storage/PATH</c> (a file; listed from the session
/// agent's namespace, <c>agents/AGENT/</c>) and <c>agentos://memory/OWNER/ID</c> (a memory item). Every list and read
/// is a storage or memory syscall of the session's agent, so the kernel's permissions and audit apply. A subscription
/// checks the file may be read (a stat syscall), then watches the kernel's storage syscalls and tells the client when
/// the file's version moves.
/// </summary>
internal sealed class KernelResources(AgentKernel kernel) : IMcpResourceSource
{
    public const string StoragePrefix = "agentos://storage/";
    public const string MemoryPrefix = "agentos://memory/";

    public IReadOnlyList<ResourceTemplate> Templates { get; } =
    [
        new ResourceTemplate { UriTemplate = StoragePrefix + "{+path}", Name = "storage", Title = "Storage file", Description = "A file in the kernel's storage, by path (an agent's own files are under agents/AGENT/)." },
        new ResourceTemplate { UriTemplate = MemoryPrefix + "{owner}/{id}", Name = "memory", Title = "Memory item", Description = "An item of an agent's memory, by owner and id.", MimeType = "text/plain" },
    ];

    public bool Owns(string uri) => uri.StartsWith(StoragePrefix, StringComparison.Ordinal) || uri.StartsWith(MemoryPrefix, StringComparison.Ordinal);

    public async ValueTask<IReadOnlyList<Resource>> ListAsync(McpSession session, CancellationToken cancellationToken)
    {
        var entries = await ListStorageAsync(session, AgentOS.Access.StoragePath.AgentNamespace(session.AgentId), cancellationToken).ConfigureAwait(false);
        return [.. entries.Select(e => new Resource { Uri = StoragePrefix + e.Path, Name = e.Path, MimeType = MimeType(e.Path), Size = e.Size, Description = $"version {e.Version}, written {e.Written:O}" })];
    }

    private async ValueTask<IReadOnlyList<AgentOS.Storage.StorageEntry>> ListStorageAsync(McpSession session, string prefix, CancellationToken cancellationToken)
    {
        var response = await SubmitAsync(session, new SyscallRequest { AgentId = session.AgentId, Storage = new StorageQuery { Operation = StorageOperation.List, Path = prefix } }, cancellationToken).ConfigureAwait(false);
        return response.Storage!.Entries;
    }

    public async ValueTask<ReadResourceResult> ReadAsync(McpSession session, string uri, CancellationToken cancellationToken)
    {
        if (uri.StartsWith(MemoryPrefix, StringComparison.Ordinal))
        {
            var parts = Uri.UnescapeDataString(uri[MemoryPrefix.Length..]).Split('/', 2);
            if (parts is not [var owner, var id] || owner.Length == 0 || id.Length == 0)
            {
                throw McpSession.NotFound(uri);
            }
            var memory = await SubmitAsync(session, new SyscallRequest { AgentId = session.AgentId, Memory = new MemoryQuery { Operation = MemoryOperation.Get, Owner = owner, Id = id } }, cancellationToken, uri).ConfigureAwait(false);
            var item = (memory.Memory!.Items.Count > 0 ? memory.Memory.Items[0] : null) ?? throw McpSession.NotFound(uri);
            return new ReadResourceResult { Contents = [new ResourceContents { Uri = uri, MimeType = "text/plain", Text = item.Content }] };
        }
        string path = Uri.UnescapeDataString(uri[StoragePrefix.Length..]);
        var read = await SubmitAsync(session, new SyscallRequest { AgentId = session.AgentId, Storage = new StorageQuery { Operation = StorageOperation.Read, Path = path } }, cancellationToken, uri).ConfigureAwait(false);
        var data = read.Storage!.Data ?? [];
        string mime = MimeType(path);
        return new ReadResourceResult
        {
            Contents = [IsText(mime, data)
                ? new ResourceContents { Uri = uri, MimeType = mime, Text = Encoding.UTF8.GetString(data) }
                : new ResourceContents { Uri = uri, MimeType = mime, Blob = Convert.ToBase64String(data) }],
        };
    }

    public async ValueTask<IReadOnlyList<string>> CompleteAsync(McpSession session, string uriTemplate, string argument, string value, CancellationToken cancellationToken)
    {
        if (argument != "path")
        {
            return [];
        }
        string ns = AgentOS.Access.StoragePath.AgentNamespace(session.AgentId);
        var entries = await ListStorageAsync(session, ns, cancellationToken).ConfigureAwait(false);
        return [.. entries.Select(e => e.Path).Where(p => p.StartsWith(value, StringComparison.Ordinal))];
    }

    public async ValueTask<IAsyncDisposable?> WatchAsync(McpSession session, string uri, CancellationToken cancellationToken)
    {
        if (!uri.StartsWith(StoragePrefix, StringComparison.Ordinal))
        {
            return null; // memory items: subscribed, but the kernel publishes no per-item change to watch
        }
        string path = Uri.UnescapeDataString(uri[StoragePrefix.Length..]);
        // The stat is the permission check (and audit) of the subscription; later checks read the backend's metadata
        // directly, since a syscall per check would itself be a storage syscall that triggers the next check.
        var stat = await SubmitAsync(session, new SyscallRequest { AgentId = session.AgentId, Storage = new StorageQuery { Operation = StorageOperation.Stat, Path = path } }, cancellationToken, uri, missingIsFine: true).ConfigureAwait(false);
        int version = stat?.Storage?.Entry?.Version ?? 0;
        var gate = new SemaphoreSlim(1, 1);
        return kernel.Events.Subscribe<SyscallEvent>(e =>
        {
            if (e.Kind != SyscallKind.Storage || e.Stage != SyscallStage.Completed)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                await gate.WaitAsync().ConfigureAwait(false);
                try
                {
                    var entry = await kernel.Storage.StatAsync(path).ConfigureAwait(false);
                    int now = entry?.Version ?? 0;
                    if (now != version)
                    {
                        version = now;
                        await session.ResourceChangedAsync(uri).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (ex is IOException or ObjectDisposedException or AgentOS.Storage.StorageException)
                {
                    // The kernel or the session is closing.
                }
                finally
                {
                    gate.Release();
                }
            });
        }, new SubscriptionOptions { Name = "mcp-resource-watch" });
    }

    private async ValueTask<SyscallResponse> SubmitAsync(McpSession session, SyscallRequest request, CancellationToken cancellationToken, string? uri = null, bool missingIsFine = false)
    {
        request.ActedBy = string.Equals(session.Principal.Name, session.AgentId, StringComparison.Ordinal) ? null : session.Principal.Name;
        try
        {
            return await kernel.Port.SubmitAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidRequestException) when (uri is not null)
        {
            if (missingIsFine)
            {
                return new SyscallResponse();
            }
            throw McpSession.NotFound(uri);
        }
    }

    private static string MimeType(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".txt" or ".md" or ".log" => "text/plain",
        ".json" => "application/json",
        ".html" or ".htm" => "text/html",
        ".csv" => "text/csv",
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".pdf" => "application/pdf",
        _ => "application/octet-stream",
    };

    private static bool IsText(string mime, byte[] data) =>
        mime.StartsWith("text/", StringComparison.Ordinal) || mime == "application/json"
        || (mime == "application/octet-stream" && System.Text.Unicode.Utf8.IsValid(data) && !data.Contains((byte)0));
}
