namespace AgentOS.Tests.Helpers;

/// <summary>A fresh directory under the system temp folder, outside the repository, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "agentos-test")
    {
        Path = Directory.CreateTempSubdirectory(prefix + "-").FullName;
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still hold a file for a moment; the OS temp cleaner gets the rest.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
