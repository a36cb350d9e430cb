using AgentOS.Computer.Documents;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Tools;

namespace AgentOS.Tests.Computer.Documents;

/// <summary>Workspace paths: absolute paths, '..' and symlinks leading out are refused with a typed error, and a
/// refusal changes nothing; symlinks that stay inside work.</summary>
public sealed partial class WorkspacePathTests
{
    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = System.Runtime.InteropServices.StringMarshalling.Utf8)]
    private static partial int RenameNative(string from, string to);

    private static void Rename(string from, string to)
    {
        if (RenameNative(from, to) != 0)
        {
            throw new IOException($"rename {from} -> {to} failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
        }
    }

    private sealed class Fixture : IDisposable
    {
        public readonly TempDirectory Root = new("agentos-docpaths");
        public readonly string Workspace;
        public readonly string Outside;
        public readonly ToolRegistry Tools = new();
        public readonly DirectSessionHost Host;

        public Fixture()
        {
            Workspace = Directory.CreateDirectory(Root.Combine("ws")).FullName;
            Outside = Directory.CreateDirectory(Root.Combine("outside")).FullName;
            File.WriteAllText(Path.Combine(Outside, "secret.txt"), "SECRET");
            Host = new DirectSessionHost(Workspace) { WorkspaceSandboxPath = "/workspace" };
            DocumentTools.Register(Tools, Host.Resolver);
        }

        public Task<ToolOutput> Read(string path) => Tools.CallAsync("document.read", new { SessionId = "s1", Path = path });

        public Task<ToolOutput> Write(string path, string content) => Tools.CallAsync("document.write", new { SessionId = "s1", Path = path, Content = content });

        public void Dispose() => Root.Dispose();
    }

    [Test]
    public async Task AbsolutePathsAreRefused()
    {
        using var f = new Fixture();
        Skip.If(!OperatingSystem.IsLinux(), "the document tools run on Linux only");
        var read = await f.Read(Path.Combine(f.Outside, "secret.txt"));
        Assert.Equal("absolute", read.ErrorCode());
        Assert.DoesNotContain("SECRET", read.Text);
        var write = await f.Write("/tmp/agentos-should-not-exist.txt", "x");
        Assert.Equal("absolute", write.ErrorCode());
        Assert.False(File.Exists("/tmp/agentos-should-not-exist.txt"));
    }

    [Test]
    public async Task DotDotAboveTheRootIsRefusedAndInsideItIsFine()
    {
        using var f = new Fixture();
        Skip.If(!OperatingSystem.IsLinux(), "the document tools run on Linux only");
        Assert.Equal("escapes_root", (await f.Read("../outside/secret.txt")).ErrorCode());
        Assert.Equal("escapes_root", (await f.Read("a/../../outside/secret.txt")).ErrorCode());
        var write = await f.Write("../outside/new.txt", "x");
        Assert.Equal("escapes_root", write.ErrorCode());
        Assert.False(File.Exists(Path.Combine(f.Outside, "new.txt")));

        Assert.False((await f.Write("a/b/c.txt", "deep")).IsError);
        var back = await f.Read("a/b/../../a/./b/c.txt");
        Assert.Equal("deep", back.Text);
        Assert.Equal("a/b/c.txt", back.Structured!.Value.GetProperty("path").GetString());
    }

    [Test]
    public async Task SymlinksLeadingOutAreRefusedAtAnyComponent()
    {
        using var f = new Fixture();
        Skip.If(!OperatingSystem.IsLinux(), "the document tools run on Linux only");
        Directory.CreateDirectory(Path.Combine(f.Workspace, "docs"));
        File.CreateSymbolicLink(Path.Combine(f.Workspace, "docs", "out"), f.Outside);              // a folder component
        File.CreateSymbolicLink(Path.Combine(f.Workspace, "leak.txt"), Path.Combine(f.Outside, "secret.txt")); // the final component
        File.CreateSymbolicLink(Path.Combine(f.Workspace, "up"), "../outside");                     // relative, climbing out
        File.CreateSymbolicLink(Path.Combine(f.Workspace, "etc"), "/etc");

        foreach (var path in new[] { "docs/out/secret.txt", "leak.txt", "up/secret.txt", "etc/passwd" })
        {
            var read = await f.Read(path);
            Assert.Equal("symlink_outside", read.ErrorCode(), path);
            Assert.DoesNotContain("SECRET", read.Text);
        }
        var write = await f.Write("docs/out/planted.txt", "x");
        Assert.Equal("symlink_outside", write.ErrorCode());
        Assert.False(File.Exists(Path.Combine(f.Outside, "planted.txt")));
        Assert.Equal("symlink_outside", (await f.Write("leak.txt", "overwritten")).ErrorCode());
        Assert.Equal("SECRET", File.ReadAllText(Path.Combine(f.Outside, "secret.txt")));
        var list = await f.Tools.CallAsync("document.list", new { SessionId = "s1", Path = "docs/out" });
        Assert.Equal("symlink_outside", list.ErrorCode());
    }

    [Test]
    public async Task SymlinksThatStayInsideAreFollowedIncludingTheSandboxesAbsoluteForm()
    {
        using var f = new Fixture();
        Skip.If(!OperatingSystem.IsLinux(), "the document tools run on Linux only");
        await f.Write("data/real.txt", "inside");
        File.CreateSymbolicLink(Path.Combine(f.Workspace, "rel"), "data/real.txt");
        File.CreateSymbolicLink(Path.Combine(f.Workspace, "abs"), "/workspace/data/real.txt"); // as a sandboxed process writes it
        File.CreateSymbolicLink(Path.Combine(f.Workspace, "dir"), "data");
        File.CreateSymbolicLink(Path.Combine(f.Workspace, "loop"), "loop");
        Assert.Equal("inside", (await f.Read("rel")).Text);
        Assert.Equal("inside", (await f.Read("abs")).Text);
        Assert.Equal("inside", (await f.Read("dir/real.txt")).Text);
        Assert.Equal("data/real.txt", (await f.Read("dir/real.txt")).Structured!.Value.GetProperty("path").GetString());
        Assert.Equal("too_many_links", (await f.Read("loop")).ErrorCode());
    }

    [Test]
    public async Task ASymlinkPlantedAfterAnEarlierCallPassedIsRefused()
    {
        using var f = new Fixture();
        Skip.If(!OperatingSystem.IsLinux(), "the document tools run on Linux only");
        File.WriteAllText(Path.Combine(f.Outside, "b.txt"), "SECRET");
        Assert.False((await f.Write("a/b.txt", "mine")).IsError);
        Assert.Equal("mine", (await f.Read("a/b.txt")).Text);

        // The session swaps the folder for a symlink out, between two calls.
        Directory.Delete(Path.Combine(f.Workspace, "a"), recursive: true);
        File.CreateSymbolicLink(Path.Combine(f.Workspace, "a"), f.Outside);
        Assert.Equal("symlink_outside", (await f.Read("a/b.txt")).ErrorCode());
        Assert.Equal("symlink_outside", (await f.Write("a/b.txt", "overwrite")).ErrorCode());
        Assert.Equal("SECRET", File.ReadAllText(Path.Combine(f.Outside, "b.txt")));
    }

    [Test(TimeoutSeconds = 120)]
    public async Task ASymlinkSwappedInWhileCallsRunNeverLeaksOrWritesOutside()
    {
        using var f = new Fixture();
        Skip.If(!OperatingSystem.IsLinux(), "the document tools run on Linux only");
        File.WriteAllText(Path.Combine(f.Outside, "b.txt"), "SECRET");
        string folder = Path.Combine(f.Workspace, "a");
        string swap = Path.Combine(f.Workspace, "a.swap");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "b.txt"), "mine");
        File.CreateSymbolicLink(swap, f.Outside);

        // A racing "session" flips a/ between the real folder and a symlink out, with atomic renames.
        using var stop = new CancellationTokenSource();
        var flipper = Task.Run(() =>
        {
            string parked = Path.Combine(f.Workspace, "a.real");
            while (!stop.IsCancellationRequested)
            {
                Rename(folder, parked);
                Rename(swap, folder);
                Rename(folder, swap);
                Rename(parked, folder);
            }
        });
        int inside = 0, refused = 0;
        try
        {
            for (int i = 0; i < 400; i++)
            {
                var read = await f.Read("a/b.txt");
                Assert.DoesNotContain("SECRET", read.Text);
                if (read.IsError)
                {
                    refused++;
                }
                else
                {
                    Assert.Equal("mine", read.Text);
                    inside++;
                }
                await f.Tools.CallAsync("document.write", new { SessionId = "s1", Path = "a/new.txt", Content = "x", CreateDirs = false });
            }
        }
        finally
        {
            stop.Cancel();
            await flipper;
        }
        Assert.False(File.Exists(Path.Combine(f.Outside, "new.txt")), "a write went through the swapped-in symlink");
        Assert.Equal("SECRET", File.ReadAllText(Path.Combine(f.Outside, "b.txt")));
        Assert.Equal(400, inside + refused);
    }

    [Test]
    public async Task PlantedPipesAndFoldersAreNotFiles()
    {
        using var f = new Fixture();
        Skip.If(!OperatingSystem.IsLinux(), "the document tools run on Linux only");
        var mkfifo = System.Diagnostics.Process.Start("mkfifo", Path.Combine(f.Workspace, "pipe"));
        await mkfifo.WaitForExitAsync();
        Directory.CreateDirectory(Path.Combine(f.Workspace, "folder"));
        Assert.Equal("not_a_file", (await f.Read("pipe")).ErrorCode());
        Assert.Equal("not_a_file", (await f.Read("folder")).ErrorCode());
        Assert.Equal("not_found", (await f.Read("missing.txt")).ErrorCode());
    }

    [Test]
    public async Task AnotherAgentCannotReachTheSession()
    {
        using var f = new Fixture();
        var ex = await Assert.ThrowsAsync<AgentOS.Syscalls.Errors.InvalidRequestException>(() =>
            f.Tools.CallAsync("document.read", new { SessionId = "s1", Path = "x" }, agent: "mallory"));
        Assert.Contains("mallory", ex.Message);
    }
}
