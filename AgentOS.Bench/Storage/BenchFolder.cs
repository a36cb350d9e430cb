namespace AgentOS.Bench.Storage;

/// <summary>A fresh folder under the system temp folder (never in the repository), deleted on dispose.</summary>
internal sealed class BenchFolder : IDisposable
{
    public BenchFolder(string name) => Path = Directory.CreateTempSubdirectory("agentos-bench-" + name + "-").FullName;

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // The OS temp cleaner gets what is left.
        }
    }
}
