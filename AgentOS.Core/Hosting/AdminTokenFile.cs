using System.Text;
using AgentOS.Access;

namespace AgentOS.Hosting;

/// <summary>
/// The administrator token <c>serve</c> creates when no administrator credential is configured (as Jupyter does): a new
/// random token at every start, written to <c>admin-token</c> in the data folder, readable and writable only by its
/// owner, so a client on this machine running as the same user can read it and nobody else can.
/// </summary>
internal static class AdminTokenFile
{
    public const string FileName = "admin-token";

    /// <summary>Creates a new token, writes it to <c>{dataDirectory}/admin-token</c> (replacing an older one) and returns both.</summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static (string Token, string Path) Create(string dataDirectory)
    {
        string token = CredentialTable.NewToken();
        string path = System.IO.Path.GetFullPath(System.IO.Path.Combine(dataDirectory, FileName));
        // Delete, then create new with the mode set at creation: an older file's wider mode is never inherited, and
        // there is no moment at which the token sits in a file others can read.
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var file = new FileStream(path, options))
        {
            file.Write(Encoding.UTF8.GetBytes(token + "\n"));
            file.Flush(flushToDisk: true);
        }
        return (token, path);
    }
}
