using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Helpers;

/// <summary>
/// The single copyable DLL as <c>./build.sh pack</c> leaves it, packed once per test run into a temporary folder
/// (deleted when the run ends), for the tests that build throwaway projects against it as a user would.
/// </summary>
internal static class PackedDll
{
    private static readonly Lazy<Task<string>> Folder = new(PackAsync);

    /// <summary>The folder holding <c>AgentOS.Core.dll</c>, its XML docs and its runtimeconfig.</summary>
    public static Task<string> FolderAsync() => Folder.Value;

    /// <summary>The packed <c>AgentOS.Core.dll</c>.</summary>
    public static async Task<string> PathAsync() => System.IO.Path.Combine(await FolderAsync().ConfigureAwait(false), "AgentOS.Core.dll");

    private static async Task<string> PackAsync()
    {
        var folder = Directory.CreateTempSubdirectory("agentos-packed-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A child still holding a file: the OS's temp cleanup takes it later.
            }
        };
        using var packing = ChildProcess.Start(ChildProcess.DotnetHost,
            ["build", System.IO.Path.Combine(RepoPaths.Root, "AgentOS.Core", "AgentOS.Core.csproj"), "-c", "Release", "-t:PackSingleDll",
             $"-p:PackDir={folder}{System.IO.Path.DirectorySeparatorChar}", "-nologo", "-v:q"]);
        Assert.Equal(0, await packing.WaitForExitAsync(TimeSpan.FromMinutes(4)).ConfigureAwait(false), $"pack failed: {packing.Stdout} {packing.Stderr}");
        return folder;
    }
}
