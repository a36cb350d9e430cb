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
        Assert.Contains("cpus", child.Stdout);
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

    [Test]
    public async Task CpusPrintsTheAllowedSetAndWhetherPinningIsSupported()
    {
        using var child = ChildProcess.StartDotnet(RepoPaths.CoreDll, ["cpus"]);
        Assert.Equal(0, await child.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("", child.Stderr);
        var lines = child.StdoutLines;
        Assert.Equal(2, lines.Count, child.Stdout);
        if (OperatingSystem.IsLinux())
        {
            // The child inherits this test thread's affinity, which is the process's (tests pin only threads they start).
            Assert.Equal($"allowed cpus: {ProcStatus.ProcessCpusAllowedText()} ({ProcStatus.ProcessCpusAllowed().Count})", lines[0]);
        }
        else
        {
            Assert.Contains("allowed cpus: ", lines[0]);
        }
        Assert.Contains(OperatingSystem.IsLinux() || OperatingSystem.IsWindows() ? "pinning: supported" : "pinning: not supported", lines[1]);
    }

    [Test]
    public async Task AffinityIsAnAliasOfCpus()
    {
        using var cpus = ChildProcess.StartDotnet(RepoPaths.CoreDll, ["cpus"]);
        using var affinity = ChildProcess.StartDotnet(RepoPaths.CoreDll, ["affinity"]);
        Assert.Equal(0, await cpus.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await affinity.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(cpus.Stdout, affinity.Stdout);
    }
}
