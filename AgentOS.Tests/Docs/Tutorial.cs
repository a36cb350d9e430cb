using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Docs;

/// <summary>
/// A tutorial in docs/tutorials, run the way a reader follows it: in an empty folder outside the repository, the files
/// its fenced blocks name (<c>```csharp file=Program.cs</c>, <c>```xml file=app.csproj</c>) are written, the packed
/// <c>AgentOS.Core.dll</c> is copied beside them (the tutorial's first step), <c>dotnet run</c> runs, and its output must
/// equal the tutorial's <c>```text output</c> block line for line. So a tutorial cannot drift from what the DLL does.
/// </summary>
internal sealed class Tutorial
{
    private Tutorial(string name, IReadOnlyDictionary<string, string> files, IReadOnlyList<string> output)
    {
        Name = name;
        Files = files;
        Output = output;
    }

    public string Name { get; }

    public IReadOnlyDictionary<string, string> Files { get; }

    public IReadOnlyList<string> Output { get; }

    public static Tutorial Read(string fileName)
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "docs", "tutorials", fileName));
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        List<string>? output = null;
        for (int i = 0; i < lines.Length; i++)
        {
            string fence = lines[i].Trim();
            if (!fence.StartsWith("```", StringComparison.Ordinal) || fence == "```")
            {
                continue;
            }
            var info = fence[3..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var block = new List<string>();
            while (++i < lines.Length && lines[i].Trim() != "```")
            {
                block.Add(lines[i]);
            }
            if (info.FirstOrDefault(w => w.StartsWith("file=", StringComparison.Ordinal)) is { } file)
            {
                Assert.True(files.TryAdd(file["file=".Length..], string.Join('\n', block) + "\n"), $"{fileName} names {file} twice");
            }
            else if (info is ["text", "output"])
            {
                Assert.True(output is null, $"{fileName} has two output blocks");
                output = block;
            }
        }
        Assert.True(files.Keys.Any(f => f.EndsWith(".csproj", StringComparison.Ordinal)) && files.ContainsKey("Program.cs"),
            $"{fileName} must give a project file and Program.cs as file= blocks");
        Assert.True(output is { Count: > 0 }, $"{fileName} must show the program's output in a ```text output block");
        return new Tutorial(fileName, files, output!);
    }

    /// <summary>Builds and runs the tutorial's program in a fresh folder and checks its output.</summary>
    public async Task RunAsync()
    {
        using var folder = new TempDirectory("agentos-tutorial");
        File.Copy(await PackedDll.PathAsync().ConfigureAwait(false), folder.Combine("AgentOS.Core.dll"));
        foreach (var (name, text) in Files)
        {
            await File.WriteAllTextAsync(folder.Combine(name), text).ConfigureAwait(false);
        }
        using var run = ChildProcess.Start(ChildProcess.DotnetHost, ["run", "-nologo"], workingDirectory: folder.Path,
            environment: new Dictionary<string, string?> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" });
        Assert.Equal(0, await run.WaitForExitAsync(TimeSpan.FromMinutes(4)).ConfigureAwait(false), $"{Name}'s program failed: {run.Stdout} {run.Stderr}");
        Assert.SequenceEqual(Output, run.StdoutLines, $"{Name}'s output block differs from what its program prints");
    }
}
