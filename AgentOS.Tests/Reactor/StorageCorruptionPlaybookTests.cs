using System.Text;
using AgentOS.Reactor;
using AgentOS.Storage.Files;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Reactor;

/// <summary>Storage corruption through the kernel: a real bit flip in the file store's segment on disk, read by a
/// storage syscall, is quarantined (rolled back to the last good version) and that version is served and reported.</summary>
public sealed class StorageCorruptionPlaybookTests
{
    private const string Key = "agents/alice/notes.txt";

    private static async Task<(ReactorHarness Harness, TempDirectory Folder)> Start(bool reactor, params string[] versions)
    {
        var folder = new TempDirectory("agentos-corrupt");
        // The bare file store (no read cache), so reads go to the disk.
        var h = new ReactorHarness([new ScriptedBackend("llm", ["m"])], reactor ? new ReactorOptions() : null,
            configure: o => o with { Storage = FileStore.Open(folder.Path) });
        foreach (var text in versions)
        {
            await Storage(h, StorageOperation.Write, Encoding.UTF8.GetBytes(text));
        }
        return (h, folder);
    }

    private static async Task<StorageResponse> Storage(ReactorHarness h, StorageOperation operation, byte[]? data = null, int? version = null) =>
        (await h.Kernel.Port.SubmitAsync(new SyscallRequest { AgentId = "alice", Storage = new StorageQuery { Operation = operation, Path = Key, Data = data, Version = version } })).Storage!;

    // Flips one bit in the only place the text is stored: the file store's segment files.
    private static void FlipBitIn(string folder, string text)
    {
        byte[] needle = Encoding.UTF8.GetBytes(text);
        foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
        {
            if (Path.GetFileName(file) == "LOCK")
            {
                continue; // the store's lock, held open
            }
            byte[] bytes = File.ReadAllBytes(file);
            int at = bytes.AsSpan().IndexOf(needle);
            if (at >= 0)
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
                stream.Position = at + 3;
                stream.WriteByte((byte)(bytes[at + 3] ^ 0x01));
                stream.Flush(flushToDisk: true);
                return;
            }
        }
        throw new InvalidOperationException($"'{text}' is in no file under {folder}");
    }

    [Test]
    public async Task ACorruptCurrentVersionIsQuarantinedAndTheLastGoodVersionServed()
    {
        var (h, folder) = await Start(reactor: true, "first draft", "second draft");
        await using var _ = h;
        using var __ = folder;
        FlipBitIn(folder.Path, "second draft");

        var read = await Storage(h, StorageOperation.Read);
        Assert.Equal("first draft", Encoding.UTF8.GetString(read.Data!));
        Assert.Equal(3, read.Version); // the good bytes, current again as a new version
        Assert.SequenceEqual([ReactorStage.Triggered, ReactorStage.Acted, ReactorStage.Verified], h.Stages("storage_corruption", s => s.Contains(ReactorStage.Verified)));
        Assert.Contains("quarantined version 2", h.ReactorEvents.Single(e => e.Stage == ReactorStage.Acted).Detail);
        var quarantined = Assert.NotNull(h.Kernel.Reactor!.StorageRepair.Quarantined.SingleOrDefault());
        Assert.Equal((Key, 2, 1, 3), (quarantined.Key, quarantined.Version, quarantined.ServedVersion, quarantined.NewVersion));

        // Later reads are plain; the quarantined version, asked for by number, is still refused typed.
        Assert.Equal("first draft", Encoding.UTF8.GetString((await Storage(h, StorageOperation.Read)).Data!));
        await Assert.ThrowsAsync<BackendFailedException>(() => Storage(h, StorageOperation.Read, version: 2));
        Assert.Equal(1L, h.Kernel.Status.Reactor!.Playbooks.Single(p => p.Name == "storage_corruption").Triggered);
    }

    [Test]
    public async Task WithNoIntactVersionTheReaderGetsTheTypedErrorAndTheCaseIsEscalated()
    {
        var (h, folder) = await Start(reactor: true, "only draft");
        await using var _ = h;
        using var __ = folder;
        FlipBitIn(folder.Path, "only draft");
        var error = await Assert.ThrowsAsync<BackendFailedException>(() => Storage(h, StorageOperation.Read));
        Assert.Contains("No intact earlier version", error.Message);
        Assert.SequenceEqual([ReactorStage.Triggered, ReactorStage.Unverified, ReactorStage.Escalated], h.Stages("storage_corruption", s => s.Contains(ReactorStage.Escalated)).Take(3));
    }

    [Test]
    public async Task WithoutTheReactorTheCorruptReadFailsTyped()
    {
        var (h, folder) = await Start(reactor: false, "first draft", "second draft");
        await using var _ = h;
        using var __ = folder;
        FlipBitIn(folder.Path, "second draft");
        await Assert.ThrowsAsync<BackendFailedException>(() => Storage(h, StorageOperation.Read));
    }
}
