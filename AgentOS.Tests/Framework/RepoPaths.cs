namespace AgentOS.Tests.Framework;

/// <summary>Where the repository, its build outputs and the shared data folder are, seen from the running tests.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    /// <summary>The repository root (the folder holding AgentOS.slnx).</summary>
    public static string Root => RootLazy.Value;

    /// <summary>A path under the shared folder that sits beside the repository (<c>../shared</c>).</summary>
    public static string Shared(string relativePath) => Path.GetFullPath(Path.Combine(Root, "..", "shared", relativePath));

    /// <summary>The AgentOS.Core.dll the tests run against (copied beside the test assembly).</summary>
    public static string CoreDll => typeof(AgentOSInfo).Assembly.Location;

    /// <summary>The AgentOS.Bench.dll built beside the tests (same configuration), which the test project builds too.</summary>
    public static string BenchDll
    {
        get
        {
            // AppContext.BaseDirectory is .../AgentOS.Tests/bin/<configuration>/<tfm>/.
            var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            return Path.Combine(Root, "AgentOS.Bench", "bin", tfm.Parent!.Name, tfm.Name, "AgentOS.Bench.dll");
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AgentOS.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"Cannot find the repository root (AgentOS.slnx) above {AppContext.BaseDirectory}.");
    }
}
