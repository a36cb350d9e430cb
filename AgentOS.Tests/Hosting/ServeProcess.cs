using System.Net.Http.Headers;
using AgentOS.Sdk;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Hosting;

/// <summary>
/// A real <c>dotnet AgentOS.Core.dll serve</c> child process, its URL read from its first stderr line. Every endpoint
/// authenticates, so <see cref="StartAsync"/> passes a fresh administrator token (<c>--token</c>) unless the arguments
/// give their own <c>--token</c> or <c>--insecure-no-auth</c>; <see cref="CreateClient"/> and <see cref="CreatePort"/>
/// send it. <see cref="StartBareAsync"/> passes nothing, for tests of serve's own credential handling.
/// </summary>
public sealed class ServeProcess : IDisposable
{
    private readonly ChildProcess _child;

    private ServeProcess(ChildProcess child, Uri url, string data, string? token)
    {
        _child = child;
        Url = url;
        DataDirectory = data;
        Token = token;
    }

    public Uri Url { get; }
    public string DataDirectory { get; }
    public ChildProcess Child => _child;

    /// <summary>The administrator token the process was started with (<see langword="null"/> for a bare start).</summary>
    public string? Token { get; }

    /// <summary>Starts serve with an administrator token (see the class remarks) and the extra arguments.</summary>
    public static Task<ServeProcess> StartAsync(string dataDirectory, params string[] extra)
    {
        int given = Array.IndexOf(extra, "--token");
        if (given >= 0 && given + 1 < extra.Length)
        {
            return StartCoreAsync(dataDirectory, extra[given + 1], extra);
        }
        if (extra.Contains("--insecure-no-auth"))
        {
            return StartCoreAsync(dataDirectory, null, extra);
        }
        string token = "test-admin-" + Guid.NewGuid().ToString("N");
        return StartCoreAsync(dataDirectory, token, ["--token", token, .. extra]);
    }

    /// <summary>Starts serve with exactly the given arguments: no token is added.</summary>
    public static Task<ServeProcess> StartBareAsync(string dataDirectory, params string[] extra) => StartCoreAsync(dataDirectory, null, extra);

    /// <summary>An HttpClient on <see cref="Url"/> that sends <paramref name="token"/> (default: <see cref="Token"/>).</summary>
    public HttpClient CreateClient(string? token = null)
    {
        var http = new HttpClient { BaseAddress = Url };
        if ((token ?? Token) is { } bearer)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        return http;
    }

    /// <summary>A remote kernel port on <see cref="Url"/> that sends <paramref name="token"/> (default: <see cref="Token"/>).</summary>
    public RemoteKernelPort CreatePort(string? token = null) => new(Url, token ?? Token);

    private static async Task<ServeProcess> StartCoreAsync(string dataDirectory, string? token, string[] extra)
    {
        var child = ChildProcess.StartDotnet(RepoPaths.CoreDll, ["serve", "--data", dataDirectory, .. extra]);
        try
        {
            var line = await child.WaitForLineAsync(l => l.StartsWith("listening on ", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            Assert.Equal(line, child.StderrLines[0], "the URL is the first line on stderr");
            return new ServeProcess(child, new Uri(line["listening on ".Length..]), dataDirectory, token);
        }
        catch
        {
            child.Dispose();
            throw;
        }
    }

    public void Dispose() => _child.Dispose();
}
