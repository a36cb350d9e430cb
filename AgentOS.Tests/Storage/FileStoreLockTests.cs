using AgentOS.Storage;
using AgentOS.Storage.Files;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Storage;

/// <summary>One file store per folder: a second appender would overwrite the first one's acknowledged records.</summary>
public sealed class FileStoreLockTests
{
    [Test]
    public async Task ASecondStoreOnTheSameFolderIsRefusedUntilTheFirstCloses()
    {
        using var folder = new TempDirectory("agentos-store-lock");
        var first = FileStore.Open(folder.Path);
        await first.WriteAsync("a", "one"u8.ToArray());
        var refused = Assert.Throws<StorageUnavailableException>(() => FileStore.Open(folder.Path));
        Assert.Contains("already open in another store", refused.Message);
        await first.WriteAsync("b", "two"u8.ToArray());
        await first.DisposeAsync();

        await using var second = FileStore.Open(folder.Path);
        Assert.SequenceEqual("one"u8.ToArray(), (await second.ReadAsync("a"))!.Value.Data.ToArray());
        Assert.SequenceEqual("two"u8.ToArray(), (await second.ReadAsync("b"))!.Value.Data.ToArray());
    }
}
