using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AgentOS.Hosting.Demo;

/// <summary>The computer-use demo's local web page: an order form on 127.0.0.1 whose submissions it keeps, so the
/// demo can show what the server received.</summary>
internal sealed class DemoFormServer : IAsyncDisposable
{
    private const string Form = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Report request</title></head><body>" +
        "<h1>Request a printed report</h1><form method=\"post\" action=\"/submit\">" +
        "<label for=\"n\">Name</label> <input id=\"n\" name=\"name\"><br>" +
        "<label for=\"f\">Format</label> <select id=\"f\" name=\"format\"><option value=\"a4\">A4</option><option value=\"letter\">Letter</option></select><br>" +
        "<label for=\"s\">Summary</label> <textarea id=\"s\" name=\"summary\"></textarea><br>" +
        "<button type=\"submit\">Send request</button></form></body></html>";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    public DemoFormServer()
    {
        _listener.Start();
        _serving = ServeAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Url => $"http://127.0.0.1:{Port}/";

    /// <summary>The form fields of each submission, in order.</summary>
    public ConcurrentQueue<IReadOnlyDictionary<string, string>> Submissions { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await _serving.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopped
        }
        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            _ = Task.Run(() => AnswerAsync(client), _stop.Token);
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var received = new List<byte>();
            var buffer = new byte[8192];
            int headEnd;
            while ((headEnd = IndexOf(received, "\r\n\r\n"u8)) < 0)
            {
                int read = await stream.ReadAsync(buffer, _stop.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }
                received.AddRange(buffer.AsSpan(0, read).ToArray());
            }
            var head = Encoding.ASCII.GetString(received.GetRange(0, headEnd).ToArray()).Split("\r\n");
            var length = head.Where(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)).Select(h => int.Parse(h[15..].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
            while (received.Count < headEnd + 4 + length)
            {
                int read = await stream.ReadAsync(buffer, _stop.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                received.AddRange(buffer.AsSpan(0, read).ToArray());
            }
            string page;
            if (head[0].StartsWith("POST ", StringComparison.Ordinal))
            {
                var body = Encoding.UTF8.GetString(received.GetRange(headEnd + 4, Math.Min(length, received.Count - headEnd - 4)).ToArray());
                var fields = body.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
                    .ToDictionary(p => WebUtility.UrlDecode(p[0]), p => WebUtility.UrlDecode(p.Length > 1 ? p[1] : ""));
                Submissions.Enqueue(fields);
                page = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Request received</title></head><body><h1>Request received</h1>" +
                    $"<p>Thank you, {WebUtility.HtmlEncode(fields.GetValueOrDefault("name", ""))}. Format: {WebUtility.HtmlEncode(fields.GetValueOrDefault("format", ""))}.</p>" +
                    $"<p>Summary: {WebUtility.HtmlEncode(fields.GetValueOrDefault("summary", ""))}</p></body></html>";
            }
            else
            {
                page = Form;
            }
            var bytes = Encoding.UTF8.GetBytes(page);
            var answer = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n");
            await stream.WriteAsync(answer, _stop.Token).ConfigureAwait(false);
            await stream.WriteAsync(bytes, _stop.Token).ConfigureAwait(false);
        }
    }

    private static int IndexOf(List<byte> haystack, ReadOnlySpan<byte> needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Count; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j])
            {
                j++;
            }
            if (j == needle.Length)
            {
                return i;
            }
        }
        return -1;
    }
}
