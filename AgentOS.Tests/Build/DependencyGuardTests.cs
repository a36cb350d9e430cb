using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using System.Xml.Linq;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Build;

/// <summary>Zero dependencies, enforced: no package or framework references, and Core needs only Microsoft.NETCore.App.</summary>
public sealed class DependencyGuardTests
{
    private static IEnumerable<string> ProjectFiles() =>
        Directory.EnumerateFiles(RepoPaths.Root, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}.git{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => f.EndsWith(".csproj", StringComparison.Ordinal) || f.EndsWith(".targets", StringComparison.Ordinal)
                        || Path.GetFileName(f).StartsWith("Directory.", StringComparison.Ordinal) && f.EndsWith(".props", StringComparison.Ordinal));

    [Test]
    public void NoProjectFileReferencesAPackageOrAFramework()
    {
        var files = ProjectFiles().ToList();
        Assert.True(files.Count >= 4, $"expected the three projects and Directory.Build.props, found {files.Count}");
        foreach (var file in files)
        {
            var forbidden = XDocument.Load(file).Descendants()
                .Where(e => e.Name.LocalName is "PackageReference" or "FrameworkReference" or "PackageVersion" or "GlobalPackageReference")
                .Select(e => $"{e.Name.LocalName} {e.Attribute("Include")?.Value}")
                .ToList();
            Assert.Equal(0, forbidden.Count, $"{Path.GetRelativePath(RepoPaths.Root, file)} references {string.Join(", ", forbidden)}");
        }
    }

    [Test]
    public void EveryAssemblyCoreReferencesShipsInTheSharedFramework()
    {
        var frameworkDir = RuntimeEnvironment.GetRuntimeDirectory();
        Assert.Contains("Microsoft.NETCore.App", frameworkDir);
        using var stream = File.OpenRead(RepoPaths.CoreDll);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var names = metadata.AssemblyReferences.Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name)).ToList();
        Assert.True(names.Count > 0, "Core references at least the runtime");
        foreach (var name in names)
        {
            Assert.True(File.Exists(Path.Combine(frameworkDir, name + ".dll")),
                $"AgentOS.Core references {name}, which is not in the shared framework at {frameworkDir}");
        }
    }

    [Test]
    public void ResolvedDependencyGraphHoldsNoPackage()
    {
        // The deps.json the SDK wrote lists every resolved dependency, transitive ones included.
        var depsJson = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "AgentOS.Tests.deps.json"));
        Assert.Contains("\"AgentOS.Core/", depsJson);
        Assert.False(depsJson.Contains("\"type\": \"package\"", StringComparison.Ordinal), "a NuGet package crept into the dependency graph");
    }
}
