using AgentOS.Access;
using AgentOS.Computer;
using AgentOS.Computer.Code;
using AgentOS.Computer.Documents;
using AgentOS.Computer.Sessions;
using AgentOS.Kernel;
using AgentOS.Sdk;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Computer;

/// <summary>
/// The terminal, document and code tools as a kernel offers them: one sandboxed session, used by all three through
/// tool syscalls, each seeing the others' files; and a destroyed session takes its interpreters with it.
/// </summary>
[RequiresBubblewrap]
[RequiresCommand("python3")]
public sealed class ComputerToolsKernelTests
{
    [Test(TimeoutSeconds = 120)]
    public async Task Terminal_documents_and_code_share_one_sandboxed_workspace_and_die_with_it()
    {
        using var temp = new TempDirectory("agentos-computer-tools");
        await using var kernel = AgentKernel.Start(new KernelOptions
        {
            DataDirectory = temp.Path,
            Computer = new ComputerOptions(),
            Access = AccessPolicy.CreateBuilder()
                .AddGroup("computer-users", g => g.AllowTools([.. SessionManager.ToolNames, .. DocumentTools.Names, CodeTools.RunName]))
                .Build(),
        });
        kernel.RegisterIdentity("alice", ["computer-users"]);
        var alice = new AgentContext("alice", kernel.Port);
        var created = await alice.Action.CallAsync("session.create");
        Assert.False(created.IsError, created.Output);
        string id = created.Structured!.Value.GetProperty("session_id").GetString()!;

        var written = await alice.Action.CallAsync("document.write", $$"""{"session_id":"{{id}}","path":"data/numbers.txt","content":"3\n4\n5\n"}""");
        var code = await alice.Action.CallAsync(CodeTools.RunName, $$"""{"session_id":"{{id}}","language":"python","code":"total = sum(int(x) for x in open('data/numbers.txt'))\nopen('total.txt', 'w').write(str(total))\ntotal * 2"}""");
        var state = await alice.Action.CallAsync(CodeTools.RunName, $$"""{"session_id":"{{id}}","language":"python","code":"total + 1"}""");
        var shell = await alice.Action.CallAsync("terminal.run", $$"""{"session_id":"{{id}}","command":"cat total.txt; echo; id -u"}""");
        var read = await alice.Action.CallAsync("document.read", $$"""{"session_id":"{{id}}","path":"total.txt"}""");

        Assert.False(written.IsError, written.Output);
        Assert.False(code.IsError, code.Output);
        var result = code.Structured!.Value;
        Assert.Equal("24", result.GetProperty("value").GetString());
        Assert.Contains("total.txt", result.GetProperty("files").GetRawText());
        Assert.Equal("13", state.Structured!.Value.GetProperty("value").GetString()); // variables survive between calls
        var lines = shell.Structured!.Value.GetProperty("stdout").GetString()!.Split('\n');
        Assert.Equal("12", lines[0]);
        Assert.NotEqual("0", lines[1]); // the sandbox's processes never run as root
        Assert.Equal("12", read.Structured!.Value.GetProperty("content").GetString());
        Assert.Equal(1, kernel.CodeInterpreters!.Count);

        var destroyed = await alice.Action.CallAsync("session.destroy", $$"""{"session_id":"{{id}}"}""");
        Assert.False(destroyed.IsError, destroyed.Output);
        for (int i = 0; i < 200 && kernel.CodeInterpreters.Count > 0; i++)
        {
            await Task.Delay(25);
        }
        Assert.Equal(0, kernel.CodeInterpreters.Count);
        var after = await alice.Action.CallAsync(CodeTools.RunName, $$"""{"session_id":"{{id}}","language":"python","code":"1"}""");
        Assert.True(after.IsError, "a destroyed session's code tool is gone with it");
    }
}
