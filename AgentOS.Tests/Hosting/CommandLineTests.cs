using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Hosting;

/// <summary><c>dotnet AgentOS.Core.dll</c> as its own host, run as a real child process.</summary>
public sealed class CommandLineTests
{
    [Test]
    public async Task VersionPrintsNameAndVersion()
    {
        using var child = ChildProcess.StartDotnet(RepoPaths.CoreDll, ["--version"]);
        Assert.Equal(0, await child.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal($"AgentOS {AgentOSInfo.Version}", child.StdoutLines.Single());
    }

    [Test]
    public async Task HelpListsTheCommands()
    {
        using var child = ChildProcess.StartDotnet(RepoPaths.CoreDll, ["--help"]);
        Assert.Equal(0, await child.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("usage: dotnet AgentOS.Core.dll <command>", child.Stdout);
        Assert.Contains("--version", child.Stdout);
        Assert.Equal("", child.Stderr);
    }

    [Test]
    public async Task UnknownCommandPrintsUsageToStderrAndExitsTwo()
    {
        using var child = ChildProcess.StartDotnet(RepoPaths.CoreDll, ["frobnicate"]);
        Assert.Equal(2, await child.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("unknown command 'frobnicate'", child.Stderr);
        Assert.Contains("usage:", child.Stderr);
        Assert.Equal("", child.Stdout);
    }
}
