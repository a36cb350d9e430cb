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
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), ProgramFromDocs());
        using var run = ChildProcess.Start(ChildProcess.DotnetHost, ["run", "--project", app, "-nologo"], workingDirectory: app,
            environment: new Dictionary<string, string?> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" });
        Assert.Equal(0, await run.WaitForExitAsync(TimeSpan.FromMinutes(4)), $"the throwaway project failed: {run.Stdout} {run.Stderr}");
        // The docs' examples ran an agent through the kernel, each module in turn, with these results.
        Assert.SequenceEqual(
        [
            "planning: What is 2 + 2? | {\"echo\":\"Answer as JSON: what is 2 \\u002B 2?\"} | Name a colour. (3 tokens from echo) | 3 pieces",
            "action: 42 and 42; 2 results",
            "memory: 1 found, 'The user prefers green tea.', 4 messages",
            "storage: v1, v2, now 'final' (v4), 4 versions, 1 file(s)",
            "hello",
            $"AgentOS {AgentOSInfo.Version}: virtual timer fired at 42 s",
        ], run.StdoutLines);
    }

    /// <summary>
    /// The throwaway program: every <c>```csharp example</c> block of docs/api.md (their usings first, then the blocks
    /// in order), and a check of the manual clock at the end. So the documented examples are compiled and run against
    /// the packed DLL on every test run.
    /// </summary>
    private static string ProgramFromDocs()
    {
        var blocks = new List<string>();
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "docs", "api.md"));
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```csharp example")
            {
                continue;
            }
            var block = new List<string>();
            while (++i < lines.Length && lines[i].Trim() != "```")
            {
                block.Add(lines[i]);
            }
            blocks.Add(string.Join('\n', block));
        }
        Assert.True(blocks.Count >= 5, $"docs/api.md should hold the quick start and one example per module; found {blocks.Count} example blocks");
        var usings = blocks.SelectMany(b => b.Split('\n')).Where(l => l.StartsWith("using ", StringComparison.Ordinal) && l.EndsWith(';')).Distinct().ToList();
        var bodies = blocks.Select(b => string.Join('\n', b.Split('\n').Where(l => !(l.StartsWith("using ", StringComparison.Ordinal) && l.EndsWith(';')))));
        var first = bodies.First();
        int split = first.IndexOf("\nsealed class", StringComparison.Ordinal);
        // Top-level statements must come before any type: the quick start's statements, the clock check, then types.
        return string.Join('\n', usings.Append("using AgentOS;").Append("using AgentOS.Time;")) + "\n" + first[..split] + "\n" + """
            var time = new ManualTimeProvider();
            var fired = TimeSpan.Zero;
            using (var timer = time.CreateTimer(_ => fired = time.Elapsed, null, TimeSpan.FromSeconds(42), Timeout.InfiniteTimeSpan))
            {
                time.Advance(TimeSpan.FromMinutes(1));
            }
            Console.WriteLine($"{AgentOSInfo.Name} {AgentOSInfo.Version}: virtual timer fired at {fired.TotalSeconds} s");
            """ + "\n" + first[split..] + "\n" + string.Join('\n', bodies.Skip(1));
    }
}
