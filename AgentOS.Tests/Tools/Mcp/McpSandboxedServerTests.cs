using AgentOS.Access;
using AgentOS.Computer;
using AgentOS.Kernel;
using AgentOS.Sdk;
using AgentOS.Tests.Computer;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Tools.Mcp;

namespace AgentOS.Tests.Tools.Mcp;

/// <summary>
/// A stdio MCP server configured with <c>sandbox: true</c> runs inside a computer-use session's bubblewrap sandbox the
/// kernel holds for it: server-filesystem, told it may use the whole file system ("/"), still sees only the session's
/// workspace (and the read-only system folders and tool binds) — not the test's files, not the kernel's data folder.
/// </summary>
[RequiresEnv(McpPeers.Variable)]
[RequiresBubblewrap]
public sealed class McpSandboxedServerTests
{
    [Test(TimeoutSeconds = 180)]
    public async Task ASandboxedServerSeesOnlyItsSessionsWorkspace()
    {
        using var temp = new TempDirectory("agentos-mcp-sandboxed");
        string secret = temp.Combine("secret.txt");
        await File.WriteAllTextAsync(secret, "top secret");
        var fs = new McpServerConfig
        {
            Name = "fs",
            Command = McpPeers.Node,
            Args = [McpPeers.Package("server-filesystem/dist/index.js"), "/"],
            Sandbox = true,
        };
        await using var kernel = AgentKernel.Start(new KernelOptions
        {
            DataDirectory = temp.Combine("data"),
            Computer = new ComputerOptions { ToolBinds = [McpPeers.NodeModules] },
            McpServers = [fs],
            Approver = new ApproveAll(), // fs.write_file is destructive: approval is not what this test is about
        });
        await kernel.Mcp.Find("fs")!.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        kernel.RegisterIdentity("alice");
        var alice = new AgentContext("alice", kernel.Port).Action;

        // The server runs in a session the kernel holds for it ("mcp:fs"), whose workspace is its /workspace.
        var held = kernel.Sessions!.List(null).Single(s => s.Agent == "mcp:fs");
        string workspace = kernel.Sessions.Get("mcp:fs", held.Id).WorkspaceHostPath;
        var written = await alice.CallAsync("fs.write_file", McpPeers.Json(("path", "/workspace/note.txt"), ("content", "written inside")));
        Assert.False(written.IsError, written.Output);
        Assert.Equal("written inside", await File.ReadAllTextAsync(Path.Combine(workspace, "note.txt")));
        var read = await alice.CallAsync("fs.read_text_file", McpPeers.Json(("path", "/workspace/note.txt")));
        Assert.Equal("written inside", read.Output);

        // Outside the workspace it sees nothing of the host's: the test's file, the kernel's data folder, /etc/shadow.
        foreach (var path in new[] { secret, Path.Combine(kernel.DataDirectory, "audit.jsonl"), "/etc/shadow" })
        {
            var outside = await alice.CallAsync("fs.read_text_file", McpPeers.Json(("path", path)));
            Assert.True(outside.IsError, $"{path}: {outside.Output}");
            Assert.DoesNotContain("top secret", outside.Output);
        }
        var parent = await alice.CallAsync("fs.list_directory", McpPeers.Json(("path", Path.GetDirectoryName(temp.Path)!)));
        Assert.DoesNotContain(Path.GetFileName(temp.Path), parent.Output, "the host's folder beside it is not there");
    }

    private sealed class ApproveAll : IApprover
    {
        public ValueTask<ApprovalResult> RequestAsync(ApprovalRequest request, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(ApprovalResult.Approve("test", "the test approves everything"));
    }
}
