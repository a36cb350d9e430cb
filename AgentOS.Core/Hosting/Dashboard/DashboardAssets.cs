using System.Collections.Frozen;

namespace AgentOS.Hosting.Dashboard;

/// <summary>The dashboard's static files, embedded in the DLL (no build step, nothing fetched from elsewhere): read once,
/// on first use, by their file names.</summary>
internal static class DashboardAssets
{
    private const string Prefix = "AgentOS.Dashboard.";

    private static readonly Lazy<FrozenDictionary<string, byte[]>> Files = new(Load);

    /// <summary>Whether the dashboard has a file of that name.</summary>
    public static bool Exists(string name) => Files.Value.ContainsKey(name);

    /// <summary>A file's bytes.</summary>
    public static byte[] Read(string name) => Files.Value[name];

    /// <summary>The Content-Type of a file, by its extension.</summary>
    public static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };

    private static FrozenDictionary<string, byte[]> Load()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[resource[Prefix.Length..]] = copy.ToArray();
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
