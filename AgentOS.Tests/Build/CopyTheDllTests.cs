using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Build;

/// <summary>
/// The promise on the design card: pack the single DLL, reference it by path from a throwaway project outside the
/// repository, build that with only the SDK, run it, and see it call into AgentOS.
/// </summary>
public sealed class CopyTheDllTests
{
    [Test(TimeoutSeconds = 300)]
    public async Task ThrowawayProjectBuildsAgainstThePackedDllAndRunsIt()
    {
        using var temp = new TempDirectory("agentos-copy-dll");
        var pack = temp.Combine("pack") + Path.DirectorySeparatorChar;
        using (var packing = ChildProcess.Start(ChildProcess.DotnetHost,
                   ["build", Path.Combine(RepoPaths.Root, "AgentOS.Core", "AgentOS.Core.csproj"), "-c", "Release", "-t:PackSingleDll", $"-p:PackDir={pack}", "-nologo", "-v:q"]))
        {
            Assert.Equal(0, await packing.WaitForExitAsync(TimeSpan.FromMinutes(4)), $"pack failed: {packing.Stdout} {packing.Stderr}");
        }
        foreach (var file in new[] { "AgentOS.Core.dll", "AgentOS.Core.xml", "AgentOS.Core.runtimeconfig.json" })
        {
            Assert.True(File.Exists(Path.Combine(pack, file)), $"pack must leave {file}");
        }

        var app = temp.Combine("app");
        Directory.CreateDirectory(app);
        await File.WriteAllTextAsync(Path.Combine(app, "app.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <Reference Include="AgentOS.Core"><HintPath>{Path.Combine(pack, "AgentOS.Core.dll")}</HintPath></Reference>
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            using AgentOS;
            using AgentOS.Time;

            var time = new ManualTimeProvider();
            var fired = TimeSpan.Zero;
            using var timer = time.CreateTimer(_ => fired = time.Elapsed, null, TimeSpan.FromSeconds(42), Timeout.InfiniteTimeSpan);
            time.Advance(TimeSpan.FromMinutes(1));
            Console.WriteLine($"{AgentOSInfo.Name} {AgentOSInfo.Version}: virtual timer fired at {fired.TotalSeconds} s");
            """);

        using var run = ChildProcess.Start(ChildProcess.DotnetHost, ["run", "--project", app, "-nologo"], workingDirectory: app,
            environment: new Dictionary<string, string?> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" });
        Assert.Equal(0, await run.WaitForExitAsync(TimeSpan.FromMinutes(4)), $"the throwaway project failed: {run.Stdout} {run.Stderr}");
        Assert.Contains($"AgentOS {AgentOSInfo.Version}: virtual timer fired at 42 s", run.Stdout);
    }
}
