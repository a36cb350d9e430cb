using AgentOS.Kernel;
using AgentOS.Storage;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Kernel;

/// <summary>One kernel per data folder: a second is refused with a typed error and leaves nothing open behind it.</summary>
public sealed class DataDirectoryTests
{
    [Test]
    public async Task ASecondKernelOnTheSameDataFolderIsRefusedAndLeavesNothingOpen()
    {
        using var data = new TempDirectory("agentos-one-kernel");
        var first = AgentKernel.Start(new KernelOptions { DataDirectory = data.Path });
        first.RegisterIdentity("ann");
        await new AgentOS.Sdk.AgentContext("ann", first.Port).Storage.WriteTextAsync("agents/ann/note", "kept");

        var refused = Assert.Throws<StorageUnavailableException>(() => AgentKernel.Start(new KernelOptions { DataDirectory = data.Path }));
        Assert.Contains("already open in another store", refused.Message);
        await first.DisposeAsync();

        // The refused kernel closed what it had opened, so the folder is free again for the next one.
        await using var third = AgentKernel.Start(new KernelOptions { DataDirectory = data.Path });
        third.RegisterIdentity("ann");
        Assert.Equal("kept", await new AgentOS.Sdk.AgentContext("ann", third.Port).Storage.ReadTextAsync("agents/ann/note"));
    }
}
