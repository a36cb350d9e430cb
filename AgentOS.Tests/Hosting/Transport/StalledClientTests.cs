using System.Net;
using AgentOS.Hosting.Http;
using AgentOS.Hosting.Http.Transport;
using AgentOS.Kernel;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Time;

namespace AgentOS.Tests.Hosting.Transport;

/// <summary>
/// Clients that send part of a request and stall (issue 13): they neither hold the server nor stay open past their
/// timeouts. HttpListener on Linux enforced no such timeout, and 16 stalled bodies made /v1/status time out.
/// </summary>
public sealed class StalledClientTests
{
    private const int Stalled = 32;

    [Test(TimeoutSeconds = 120)]
    public async Task StatusAnswersWhileStalledClientsHoldConnections()
    {
        using var data = new TempDirectory("agentos-stalled");
        await using var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = data.Path });
        await using var server = KernelHttpServer.Start(kernel, new HttpServerOptions { BearerToken = "stalled-admin" });
        var endPoint = new IPEndPoint(IPAddress.Loopback, server.Url.Port);
        var stalled = new List<RawHttpClient>();
        try
        {
            for (int i = 0; i < Stalled; i++)
            {
                var headers = await RawHttpClient.ConnectAsync(endPoint);
                await headers.SendAsync("POST /v1/syscalls HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le");
                stalled.Add(headers);
                var body = await RawHttpClient.ConnectAsync(endPoint);
                // Authenticated, so the server reads the body rather than refusing at the headers.
                await body.SendAsync("POST /v1/syscalls HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer stalled-admin\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"agent_id\": \"al");
                stalled.Add(body);
            }
            using var http = new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(5) };
            http.DefaultRequestHeaders.Authorization = new("Bearer", "stalled-admin");
            for (int i = 0; i < 200; i++)
            {
                // A new connection each time, as curl or a health check makes: the accept path must stay free too.
                using var request = new HttpRequestMessage(HttpMethod.Get, "v1/status") { Headers = { ConnectionClose = true } };
                using var response = await http.SendAsync(request); // throws TaskCanceledException past 5 s
                Assert.Equal(HttpStatusCode.OK, response.StatusCode, $"call {i}");
            }
            foreach (var client in stalled)
            {
                Assert.False(client.Socket.Poll(0, System.Net.Sockets.SelectMode.SelectRead), "a stalled client is still waited for (its timeout is 30 s)");
            }
        }
        finally
        {
            stalled.ForEach(c => c.Dispose());
        }
    }

    [Test(TimeoutSeconds = 120)]
    public async Task StalledHeadersAndBodiesAreClosedAtTheirTimeouts()
    {
        var time = new ManualTimeProvider();
        var limits = new HttpLimits
        {
            TimeProvider = time,
            RequestHeadersTimeout = TimeSpan.FromSeconds(1),
            RequestBodyGracePeriod = TimeSpan.FromSeconds(1),
        };
        int answered = 0;
        await using var server = HttpTransportServer.Start([IPAddress.Loopback], 0, limits, async (request, response) =>
        {
            await request.InputStream.CopyToAsync(Stream.Null);
            Interlocked.Increment(ref answered);
            response.Close();
        });
        var endPoint = new IPEndPoint(IPAddress.Loopback, server.Port);
        var headers = new List<RawHttpClient>();
        var bodies = new List<RawHttpClient>();
        try
        {
            for (int i = 0; i < Stalled; i++)
            {
                var h = await RawHttpClient.ConnectAsync(endPoint);
                await h.SendAsync("POST /x HTTP/1.1\r\nHost: h\r\nContent-Le");
                headers.Add(h);
                var b = await RawHttpClient.ConnectAsync(endPoint);
                await b.SendAsync("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\n" + new string('x', 10));
                bodies.Add(b);
            }
            // Every connection waits on its client: headers since the accept, bodies since the handler's first read.
            // (a body connection counts as in flight once its head is parsed, so both counts together mean every body
            // wait began at virtual time 0).
            await HttpTransportTests.WaitUntilAsync(() => server.Counters.WaitingReceives == 2 * Stalled && server.Counters.InFlight == Stalled);

            time.Advance(TimeSpan.FromMilliseconds(999));
            await Task.Delay(200);
            Assert.Equal(2 * Stalled, server.OpenConnections, "nobody is closed before the timeout");
            foreach (var client in headers.Concat(bodies))
            {
                Assert.False(client.Socket.Poll(0, System.Net.Sockets.SelectMode.SelectRead), "still open 1 ms before the timeout");
            }

            time.Advance(TimeSpan.FromMilliseconds(1));
            foreach (var client in headers.Concat(bodies))
            {
                var (closed, received) = await client.WaitForCloseAsync(TimeSpan.FromSeconds(30));
                Assert.True(closed, "closed at its timeout");
                Assert.Contains("HTTP/1.1 408 Request Timeout", received);
            }
            await HttpTransportTests.WaitUntilAsync(() => server.OpenConnections == 0);
            Assert.Equal(0, answered);

            // One more stalled body, to read the 408's message whole.
            using var another = await RawHttpClient.ConnectAsync(endPoint);
            await another.SendAsync("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\nxx");
            await HttpTransportTests.WaitUntilAsync(() => server.Counters.WaitingReceives == 1 && server.Counters.InFlight == 1);
            time.Advance(TimeSpan.FromSeconds(1));
            var refusal = await another.ReadResponseAsync();
            Assert.Equal(408, refusal.Status);
            Assert.Contains("\"code\":\"request_timeout\"", refusal.Text);
            Assert.Contains("slower than 240 bytes/s after a grace of 1 s", refusal.Text);
        }
        finally
        {
            headers.Concat(bodies).ToList().ForEach(c => c.Dispose());
        }
    }

    [Test(TimeoutSeconds = 120)]
    public async Task AClientThatDoesNotReadItsResponseIsClosed()
    {
        var time = new ManualTimeProvider();
        var failed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = HttpTransportServer.Start([IPAddress.Loopback], 0, new HttpLimits { TimeProvider = time }, async (_, response) =>
        {
            response.SendChunked = true;
            var chunk = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    await response.OutputStream.WriteAsync(chunk);
                    await response.OutputStream.FlushAsync();
                }
            }
            catch (IOException ex)
            {
                failed.TrySetResult(ex);
            }
        });
        using var client = await RawHttpClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Port));
        client.Socket.ReceiveBufferSize = 4096;
        await client.SendAsync("GET /big HTTP/1.1\r\nHost: h\r\n\r\n");
        await HttpTransportTests.WaitUntilAsync(() => server.Counters.InFlight == 1); // the head is in, the handler writing
        // The client never reads: once the socket buffers fill, a send waits, and its deadline (5 s plus 64 KiB at
        // 240 bytes/s, about 278 s) passes only as the clock is moved.
        while (!failed.Task.IsCompleted)
        {
            time.Advance(TimeSpan.FromSeconds(30));
            await Task.WhenAny(failed.Task, Task.Delay(20));
        }
        Assert.Contains("minimum rate", (await failed.Task).Message);
        await HttpTransportTests.WaitUntilAsync(() => server.OpenConnections == 0);
    }
}
