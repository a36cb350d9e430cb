using System.Net;
using System.Net.Http.Headers;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Hosting;

/// <summary>
/// Every documented <c>serve --host</c> form binds and answers, or is refused with a clear message and exit code 2
/// (issue 13: <c>::1</c> and <c>+</c> crashed, <c>0.0.0.0</c> with a token failed, <c>localhost</c> answered 404 to
/// requests for 127.0.0.1, and a blank token was taken).
/// </summary>
public sealed class BindOptionTests
{
    [Test(TimeoutSeconds = 120)]
    public async Task LoopbackFormsBindAndAnswer()
    {
        await AssertServesAsync("::1", null, "http://[::1]:", [IPAddress.IPv6Loopback]);
        await AssertServesAsync("[::1]", null, "http://[::1]:", [IPAddress.IPv6Loopback]);
        await AssertServesAsync("127.0.0.1", null, "http://127.0.0.1:", [IPAddress.Loopback]);
        await AssertServesAsync("localhost", null, "http://localhost:", [IPAddress.Loopback, IPAddress.IPv6Loopback]);
    }

    [Test(TimeoutSeconds = 120)]
    public async Task EveryInterfaceFormsBindWithATokenAndAnswerOnBothLoopbacks()
    {
        await AssertServesAsync("0.0.0.0", "T", "http://0.0.0.0:", [IPAddress.Loopback]);
        await AssertServesAsync("::", "T", "http://[::]:", [IPAddress.Loopback, IPAddress.IPv6Loopback]);
        await AssertServesAsync("+", "T", "http://[::]:", [IPAddress.Loopback, IPAddress.IPv6Loopback]);
        await AssertServesAsync("*", "T", "http://[::]:", [IPAddress.Loopback, IPAddress.IPv6Loopback]);
    }

    [Test(TimeoutSeconds = 120)]
    public async Task UnusableFormsAreRefusedWithAClearMessage()
    {
        await AssertRefusedAsync(["--host", "0.0.0.0", "--insecure-no-auth"], "without authentication would let anyone on the network act as an administrator");
        await AssertRefusedAsync(["--host", "+", "--insecure-no-auth"], "without authentication would let anyone on the network act as an administrator");
        await AssertRefusedAsync(["--host", "example.com", "--token", "T"], "is not an address this server binds");
        await AssertRefusedAsync(["--host", "127.1", "--token", "T"], "is not an address this server binds");
        await AssertRefusedAsync(["--host", "", "--token", "T"], "The host is empty");
        await AssertRefusedAsync(["--host", "192.0.2.1", "--token", "T"], "cannot listen on 192.0.2.1");
        await AssertRefusedAsync(["--token", " "], "--token must be visible characters");
        await AssertRefusedAsync(["--token", "a b"], "--token must be visible characters");
        await AssertRefusedAsync(["--token", ""], "--token must be visible characters");
        await AssertRefusedAsync(["--port", "70000"], "bad or incomplete option '--port'");
        await AssertRefusedAsync(["--api-key", "a b=alice"], "bad or incomplete option '--api-key'");
    }

    [Test(TimeoutSeconds = 120)]
    public async Task ATakenPortIsRefusedWithAClearMessage()
    {
        using var temp = new TempDirectory("agentos-bind");
        using var first = await ServeProcess.StartAsync(temp.Path);
        using var other = new TempDirectory("agentos-bind2");
        using var child = ChildProcess.StartDotnet(RepoPaths.CoreDll, ["serve", "--data", other.Path, "--port", first.Url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.Equal(2, await child.WaitForExitAsync(TimeSpan.FromSeconds(60)), child.Stderr);
        Assert.Contains("cannot listen on 127.0.0.1 port", child.Stderr);
    }

    private static async Task AssertServesAsync(string host, string? token, string urlStart, IPAddress[] reachableAt)
    {
        using var temp = new TempDirectory("agentos-bind");
        using var serve = await ServeProcess.StartAsync(temp.Path, token is null ? ["--host", host] : ["--host", host, "--token", token]);
        Assert.True(serve.Url.ToString().StartsWith(urlStart, StringComparison.Ordinal), $"--host {host} printed {serve.Url}");
        foreach (var address in reachableAt)
        {
            // Addressed by IP whatever the printed name: the Host header must not decide (localhost answered 404 here).
            // Every bind authenticates: the token given, or the one ServeProcess adds.
            using var http = new HttpClient { BaseAddress = new Uri($"http://{new IPEndPoint(address, serve.Url.Port)}/") };
            using var anonymous = await http.GetAsync("v1/status");
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode, $"--host {host} without the token at {address}");
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", serve.Token);
            using var response = await http.GetAsync("v1/status");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode, $"--host {host} at {address}");
        }
    }

    private static async Task AssertRefusedAsync(string[] options, string says)
    {
        using var temp = new TempDirectory("agentos-bind");
        using var child = ChildProcess.StartDotnet(RepoPaths.CoreDll, ["serve", "--data", temp.Path, .. options]);
        Assert.Equal(2, await child.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"{string.Join(' ', options)}: {child.Stderr}");
        Assert.Contains(says, child.Stderr, string.Join(' ', options));
        Assert.DoesNotContain("Exception", child.Stderr, "a message, not a stack trace");
    }
}
