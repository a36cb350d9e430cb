using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace AgentOS.Tests.Helpers;

/// <summary>
/// A real HTTP/1.1 server on 127.0.0.1 (a TcpListener, so a test controls every byte: slow answers, cut streams,
/// malformed bodies). Each request is recorded and handed to the script; every response closes its connection, so a
/// body without Content-Length simply runs until the script ends it.
/// </summary>
public sealed class ScriptedHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<RecordedRequest, HttpExchange, Task> _script;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly Task _accepting;

    public ScriptedHttpServer(Func<RecordedRequest, HttpExchange, Task> script)
    {
        _script = script;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:PORT/</c>.</summary>
    public string Url => $"http://127.0.0.1:{Port}/";

    /// <summary>Every request received, in arrival order.</summary>
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Cancelled when the server stops: a script that stalls waits on it.</summary>
    public CancellationToken Stopping => _stop.Token;

    /// <summary>Set when a request has arrived (for tests that act while the script stalls).</summary>
    public SemaphoreSlim Arrived { get; } = new(0);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        await Task.WhenAll(_connections.ToArray()).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
        Arrived.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _connections.Add(Task.Run(() => ServeAsync(client)));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            try
            {
                var request = await ReadRequestAsync(stream);
                Requests.Enqueue(request);
                Arrived.Release();
                await _script(request, new HttpExchange(stream, _stop.Token));
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away, or the server is stopping.
            }
        }
    }

    private async Task<RecordedRequest> ReadRequestAsync(NetworkStream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(one, _stop.Token) == 0)
            {
                throw new IOException("the client closed the connection before its request ended");
            }
            head.Add(one[0]);
        }
        var lines = Encoding.ASCII.GetString([.. head]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var start = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        var body = new byte[headers.TryGetValue("Content-Length", out var length) ? int.Parse(length, System.Globalization.CultureInfo.InvariantCulture) : 0];
        await stream.ReadExactlyAsync(body, _stop.Token);
        return new RecordedRequest(start[0], start[1], headers, Encoding.UTF8.GetString(body));
    }
}

/// <summary>One request as the server read it.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>The body as JSON.</summary>
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>The response side of one request.</summary>
public sealed class HttpExchange(Stream stream, CancellationToken stopping)
{
    /// <summary>A whole response with a Content-Length.</summary>
    public async Task RespondAsync(int status, string body, string contentType = "application/json", params (string Name, string Value)[] headers)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        await WriteHeadAsync(status, contentType, [.. headers, ("Content-Length", bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        await stream.WriteAsync(bytes, stopping);
        await stream.FlushAsync(stopping);
    }

    /// <summary>Starts a body without a length: it runs until the connection closes (the script returns).</summary>
    public Task BeginStreamAsync(int status = 200, string contentType = "text/event-stream") => WriteHeadAsync(status, contentType, []);

    /// <summary>Writes part of a streamed body now.</summary>
    public async Task WriteAsync(string text)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(text), stopping);
        await stream.FlushAsync(stopping);
    }

    /// <summary>Writes server-sent events ("event:" line when named, "data:" line, blank line) one by one.</summary>
    public async Task WriteEventsAsync(IEnumerable<(string? Event, string Data)> events)
    {
        foreach (var (name, data) in events)
        {
            await WriteAsync((name is null ? "" : $"event: {name}\n") + $"data: {data}\n\n");
        }
    }

    /// <summary>Never answers, until the server stops.</summary>
    public Task StallAsync() => Task.Delay(Timeout.Infinite, stopping);

    private async Task WriteHeadAsync(int status, string contentType, (string Name, string Value)[] headers)
    {
        var head = new StringBuilder($"HTTP/1.1 {status} {Reason(status)}\r\nContent-Type: {contentType}\r\nConnection: close\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()), stopping);
        await stream.FlushAsync(stopping);
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        529 => "Overloaded",
        _ => "Status",
    };
}
