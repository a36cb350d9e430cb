using AgentOS.Memory;
using AgentOS.Storage;
using AgentOS.Storage.Files;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Memory;

/// <summary>Opens block memory stores over real files in a temporary folder, small enough that a few items fill a
/// block and a few blocks pass the high-water mark.</summary>
internal sealed class MemoryStoreFixture : IDisposable
{
    private readonly TempDirectory _data = new("agentos-memory");

    public IStorageBackend Storage { get; private set; }

    public MemoryStoreFixture() => Storage = FileStore.Open(_data.Combine("storage"));

    public static MemoryStoreOptions Small(int blocks = 4) => new()
    {
        BlockSize = 1024,
        BlocksPerSlab = 4,
        GlobalLimitBytes = blocks * 1024,
        HighWaterMark = 1.0,
        AgentQuotaBytes = 1 << 30,
    };

    public ValueTask<BlockMemoryStore> OpenAsync(MemoryStoreOptions? options = null, IEmbedder? embedder = null) =>
        BlockMemoryStore.OpenAsync(options ?? Small(), Storage, embedder);

    /// <summary>A new storage object on the same files, as a restarted kernel would have.</summary>
    public async Task RestartAsync()
    {
        await Storage.DisposeAsync();
        Storage = FileStore.Open(_data.Combine("storage"));
    }

    public void Dispose()
    {
        Storage.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _data.Dispose();
    }
}
