using System.Net;
using System.Text;
using AgentOS.Hosting.Http.Transport;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Hosting.Transport;

/// <summary>The sockets HTTP/1.1 server on the wire: parsing, framing, keep-alive, and refusals of malformed input.</summary>
public sealed class HttpTransportTests
{
    private int _handled;

    // Echoes what it understood, so a test reads the parse back byte for byte.
    private async Task EchoAsync(HttpServerRequest request, HttpServerResponse response)
    {
        Interlocked.Increment(ref _handled);
        using var body = new MemoryStream();
        await request.InputStream.CopyToAsync(body);
        string text = $"{request.HttpMethod} {request.Url.AbsolutePath} a={request.QueryString["a"]} x={request.Headers["X-Test"]} len={request.ContentLength64} body={Encoding.UTF8.GetString(body.ToArray())}";
        response.ContentType = "text/plain";
        await response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(text));
        response.Close();
    }

    private HttpTransportServer Start(HttpLimits? limits = null, Func<HttpServerRequest, HttpServerResponse, Task>? handler = null) =>
        HttpTransportServer.Start([IPAddress.Loopback], 0, limits ?? new HttpLimits(), handler ?? EchoAsync);

    private static IPEndPoint At(HttpTransportServer server) => new(IPAddress.Loopback, server.Port);

    [Test(TimeoutSeconds = 30)]
    public async Task ARequestIsParsedAndAnsweredWithItsLength()
    {
        await using var server = Start();
        using var client = await RawHttpClient.ConnectAsync(At(server));
        await client.SendAsync("POST /v1/echo?a=two%20words&b=1 HTTP/1.1\r\nHost: example\r\nX-Test:  spaced value \r\nContent-Length: 5\r\n\r\nhello");
        var response = await client.ReadResponseAsync();
        Assert.Equal(200, response.Status);
        Assert.Equal("POST /v1/echo a=two words x=spaced value len=5 body=hello", response.Text);
        Assert.Equal(response.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers["Content-Length"]);
        Assert.Equal("text/plain", response.Headers["Content-Type"]);
    }

    [Test(TimeoutSeconds = 30)]
    public async Task AKeptAliveConnectionCarriesPipelinedRequestsUntilConnectionClose()
    {
        await using var server = Start();
        using var client = await RawHttpClient.ConnectAsync(At(server));
        await client.SendAsync("GET /one HTTP/1.1\r\nHost: h\r\n\r\nGET /two?a=2 HTTP/1.1\r\nHost: h\r\n\r\nGET /three HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
        Assert.Equal("GET /one a= x= len=0 body=", (await client.ReadResponseAsync()).Text);
        Assert.Equal("GET /two a=2 x= len=0 body=", (await client.ReadResponseAsync()).Text);
        var last = await client.ReadResponseAsync();
        Assert.Equal("GET /three a= x= len=0 body=", last.Text);
        Assert.Equal("close", last.Headers["Connection"]);
        Assert.True((await client.WaitForCloseAsync(TimeSpan.FromSeconds(10))).Closed, "the server closes after Connection: close");
        Assert.Equal(3, _handled);
    }

    [Test(TimeoutSeconds = 30)]
    public async Task AChunkedBodyIsDecodedWithExtensionsAndTrailers()
    {
        await using var server = Start();
        using var client = await RawHttpClient.ConnectAsync(At(server));
        await client.SendAsync("POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\nB\r\n, chunked!!\r\n0\r\nX-Trailer: t\r\n\r\n");
        var response = await client.ReadResponseAsync();
        Assert.Equal("POST /c a= x= len=-1 body=hello, chunked!!", response.Text);
        await client.SendAsync("GET /after HTTP/1.1\r\nHost: h\r\n\r\n");
        Assert.Equal("GET /after a= x= len=0 body=", (await client.ReadResponseAsync()).Text, "the connection is ready for the next request");
    }

    [Test(TimeoutSeconds = 30)]
    public async Task FlushedWritesGoOutAsChunksAtOnce()
    {
        var second = new TaskCompletionSource();
        await using var server = Start(handler: async (_, response) =>
        {
            response.ContentType = "text/event-stream";
            response.SendChunked = true;
            await response.OutputStream.WriteAsync("first"u8.ToArray());
            await response.OutputStream.FlushAsync();
            await second.Task; // the first chunk must reach the client before the handler goes on
            await response.OutputStream.WriteAsync("second"u8.ToArray());
            await response.OutputStream.FlushAsync();
            response.Close();
        });
        using var client = await RawHttpClient.ConnectAsync(At(server));
        await client.SendAsync("GET /s HTTP/1.1\r\nHost: h\r\n\r\n");
        var read = client.ReadResponseAsync();
        await Task.Delay(50);
        Assert.False(read.IsCompleted, "the response is still open");
        second.SetResult();
        var response = await read;
        Assert.Equal("chunked", response.Headers["Transfer-Encoding"]);
        Assert.SequenceEqual(["first", "second"], response.Chunks);
    }

    [Test(TimeoutSeconds = 30)]
    public async Task AHandlerThatThrowsGets500NotASilent200()
    {
        await using var server = Start(handler: (_, _) => throw new InvalidOperationException("boom"));
        using var client = await RawHttpClient.ConnectAsync(At(server));
        await client.SendAsync("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        var response = await client.ReadResponseAsync();
        Assert.Equal(500, response.Status);
        Assert.Contains("\"code\":\"internal_error\"", response.Text);
    }

    [Test(TimeoutSeconds = 60)]
    public async Task MalformedRequestsAreRefusedWithTheirStatusAndNeverReachTheHandler()
    {
        await using var server = Start(new HttpLimits { MaxRequestLineBytes = 256, MaxRequestHeadersBytes = 1024 });
        (string Request, int Status, string Says)[] cases =
        [
            ("GARBAGE\r\n\r\n", 400, "request line"),
            ("GET /x\r\nHost: h\r\n\r\n", 400, "request line"),
            ("GET x HTTP/1.1\r\nHost: h\r\n\r\n", 400, "target"),
            ("GET /x HTTP/1.1\r\n\r\n", 400, "Host"),
            ("GET /x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "one Host"),
            ("GET /x HTTP/1.1\r\nHost: h\r\nBad Name: v\r\n\r\n", 400, "Name: value"),
            ("GET /x HTTP/1.1\r\nHost: h\r\nX: a\r\n folded\r\n\r\n", 400, "folded"),
            ("GET /x HTTP/1.1\r\nHost: h\r\nX: a\u0001b\r\n\r\n", 400, "control"),
            ("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "both"),
            ("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: -5\r\n\r\n", 400, "Content-Length"),
            ("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400, "Content-Length"),
            ("POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "not supported"),
            ("GET /x HTTP/2.0\r\nHost: h\r\n\r\n", 505, "HTTP/1.1"),
            ("GET /" + new string('a', 300) + " HTTP/1.1\r\nHost: h\r\n\r\n", 414, "request line"),
            ("GET /x HTTP/1.1\r\nHost: h\r\nX-Big: " + new string('b', 1100) + "\r\n\r\n", 431, "headers"),
        ];
        foreach (var (request, status, says) in cases)
        {
            using var client = await RawHttpClient.ConnectAsync(At(server));
            await client.SendAsync(request);
            var response = await client.ReadResponseAsync();
            Assert.Equal(status, response.Status, request);
            Assert.Contains(says, response.Text, request);
            Assert.Equal("close", response.Headers["Connection"], request);
            Assert.True((await client.WaitForCloseAsync(TimeSpan.FromSeconds(10))).Closed, request);
        }
        Assert.Equal(0, _handled);
    }

    [Test(TimeoutSeconds = 30)]
    public async Task ABadChunkSizeFailsTheBodyAndClosesTheConnection()
    {
        await using var server = Start();
        using var client = await RawHttpClient.ConnectAsync(At(server));
        await client.SendAsync("POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n");
        var response = await client.ReadResponseAsync();
        Assert.Equal(400, response.Status);
        Assert.Contains("hexadecimal", response.Text);
        Assert.True((await client.WaitForCloseAsync(TimeSpan.FromSeconds(10))).Closed);
    }

    [Test(TimeoutSeconds = 30)]
    public async Task AnUnreadBodyClosesTheConnectionAfterTheAnswer()
    {
        await using var server = Start(handler: (_, response) =>
        {
            response.StatusCode = 413;
            response.Close();
            return Task.CompletedTask;
        });
        using var client = await RawHttpClient.ConnectAsync(At(server));
        await client.SendAsync("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 100000\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n");
        var response = await client.ReadResponseAsync();
        Assert.Equal(413, response.Status);
        Assert.Equal("close", response.Headers["Connection"], "the unread body may not be taken for a next request");
        Assert.True((await client.WaitForCloseAsync(TimeSpan.FromSeconds(10))).Closed);
    }

    [Test(TimeoutSeconds = 30)]
    public async Task ExpectContinueGets100BeforeTheBodyIsSent()
    {
        await using var server = Start();
        using var client = await RawHttpClient.ConnectAsync(At(server));
        await client.SendAsync("POST /e HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
        Assert.Equal(100, (await client.ReadResponseAsync()).Status);
        await client.SendAsync("ok");
        Assert.Equal("POST /e a= x= len=2 body=ok", (await client.ReadResponseAsync()).Text);
    }

    [Test(TimeoutSeconds = 30)]
    public async Task AHeadRequestGetsTheHeadersWithoutTheBody()
    {
        await using var server = Start();
        using var client = await RawHttpClient.ConnectAsync(At(server));
        await client.SendAsync("HEAD /h HTTP/1.1\r\nHost: h\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n");
        var head = await client.ReadResponseAsync();
        // The raw reader would read Content-Length bytes of body: the next response proves none were sent.
        Assert.Equal(200, head.Status);
        Assert.True(head.Text.StartsWith("HTTP/1.1 200", StringComparison.Ordinal), "the bytes after the HEAD answer are the next response");
    }

    [Test(TimeoutSeconds = 30)]
    public async Task OverTheConnectionLimitAClientIsAnswered503AndClosed()
    {
        await using var server = Start(new HttpLimits { MaxConnections = 2 });
        using var first = await RawHttpClient.ConnectAsync(At(server));
        using var second = await RawHttpClient.ConnectAsync(At(server));
        await WaitUntilAsync(() => server.OpenConnections == 2);
        using var third = await RawHttpClient.ConnectAsync(At(server));
        var refused = await third.ReadResponseAsync();
        Assert.Equal(503, refused.Status);
        Assert.Contains("\"code\":\"server_busy\"", refused.Text);
        Assert.Equal(2, server.OpenConnections);
        first.Dispose();
        await WaitUntilAsync(() => server.OpenConnections == 1);
        using var fourth = await RawHttpClient.ConnectAsync(At(server));
        await fourth.SendAsync("GET /in HTTP/1.1\r\nHost: h\r\n\r\n");
        Assert.Equal(200, (await fourth.ReadResponseAsync()).Status, "a freed slot takes the next client");
    }

    [Test(TimeoutSeconds = 30)]
    public async Task BothLoopbacksAndTheAnyAddressesBind()
    {
        await using var both = HttpTransportServer.Start(HttpBinding.Parse("localhost").Addresses, 0, new HttpLimits(), EchoAsync);
        foreach (var address in new[] { IPAddress.Loopback, IPAddress.IPv6Loopback })
        {
            using var client = await RawHttpClient.ConnectAsync(new IPEndPoint(address, both.Port));
            await client.SendAsync("GET /l HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            Assert.Equal(200, (await client.ReadResponseAsync()).Status, address.ToString());
        }
        await using var any = HttpTransportServer.Start(HttpBinding.Parse("+").Addresses, 0, new HttpLimits(), EchoAsync);
        foreach (var address in new[] { IPAddress.Loopback, IPAddress.IPv6Loopback })
        {
            using var client = await RawHttpClient.ConnectAsync(new IPEndPoint(address, any.Port));
            await client.SendAsync("GET /a HTTP/1.1\r\nHost: anything\r\n\r\n");
            Assert.Equal(200, (await client.ReadResponseAsync()).Status, "'+' takes IPv4 and IPv6: " + address);
        }
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(10);
        }
    }
}
