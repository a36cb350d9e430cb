using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Hosting;

/// <summary>A real <c>dotnet AgentOS.Core.dll serve</c> child process, its URL read from its first stderr line.</summary>
public sealed class ServeProcess : IDisposable
{
    private readonly ChildProcess _child;

    private ServeProcess(ChildProcess child, Uri url, string data)
    {
        _child = child;
        Url = url;
        DataDirectory = data;
    }

    public Uri Url { get; }
    public string DataDirectory { get; }
    public ChildProcess Child => _child;

    public static async Task<ServeProcess> StartAsync(string dataDirectory, params string[] extra)
    {
        var child = ChildProcess.StartDotnet(RepoPaths.CoreDll, ["serve", "--data", dataDirectory, .. extra]);
        try
        {
            var line = await child.WaitForLineAsync(l => l.StartsWith("listening on ", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            Assert.Equal(line, child.StderrLines[0], "the URL is the first line on stderr");
            return new ServeProcess(child, new Uri(line["listening on ".Length..]), dataDirectory);
        }
        catch
        {
            child.Dispose();
            throw;
        }
    }

    public void Dispose() => _child.Dispose();
}
