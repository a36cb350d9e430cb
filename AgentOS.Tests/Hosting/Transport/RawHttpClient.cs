using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AgentOS.Tests.Hosting.Transport;

/// <summary>A raw TCP client that writes exact request bytes and reads exact responses, so tests see the wire itself.</summary>
public sealed class RawHttpClient : IDisposable
{
    private readonly Socket _socket;
    private readonly List<byte> _pending = [];

    private RawHttpClient(Socket socket) => _socket = socket;

    public static async Task<RawHttpClient> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint);
        return new RawHttpClient(socket);
    }

    public Socket Socket => _socket;

    public async Task SendAsync(string text) => await SendAsync(Encoding.Latin1.GetBytes(text));

    public async Task SendAsync(byte[] data)
    {
        for (int sent = 0; sent < data.Length;)
        {
            sent += await _socket.SendAsync(data.AsMemory(sent), SocketFlags.None);
        }
    }

    /// <summary>Reads one response: its status, headers and body (Content-Length, chunked, or up to the close).</summary>
    public async Task<RawResponse> ReadResponseAsync()
    {
        var head = await ReadUntilAsync("\r\n\r\n"u8.ToArray()) ?? throw new IOException("The server closed before a response head.");
        var lines = Encoding.Latin1.GetString(head).Split("\r\n");
        int status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon]] = line[(colon + 1)..].Trim();
        }
        byte[] body;
        if (status is 100)
        {
            return new RawResponse(status, headers, []);
        }
        if (headers.TryGetValue("Transfer-Encoding", out var te) && te == "chunked")
        {
            var all = new List<byte>();
            var chunks = new List<string>();
            while (true)
            {
                var sizeLine = Encoding.ASCII.GetString(await ReadUntilAsync("\r\n"u8.ToArray()) ?? throw new IOException("cut mid-chunk"));
                int size = int.Parse(sizeLine.TrimEnd('\r', '\n'), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                var data = await ReadExactlyAsync(size + 2);
                if (size == 0)
                {
                    break;
                }
                chunks.Add(Encoding.UTF8.GetString(data, 0, size));
                all.AddRange(data.AsSpan(0, size));
            }
            return new RawResponse(status, headers, [.. all]) { Chunks = chunks };
        }
        if (headers.TryGetValue("Content-Length", out var length))
        {
            body = await ReadExactlyAsync(int.Parse(length, CultureInfo.InvariantCulture));
        }
        else
        {
            body = [.. _pending];
            _pending.Clear();
            var buffer = new byte[4096];
            int n;
            while ((n = await _socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
            {
                body = [.. body, .. buffer.AsSpan(0, n)];
            }
        }
        return new RawResponse(status, headers, body);
    }

    /// <summary>Waits for the server to close: true when it did (end of stream or a reset), with any bytes it sent first.</summary>
    public async Task<(bool Closed, string Received)> WaitForCloseAsync(TimeSpan timeout)
    {
        var received = new List<byte>(_pending);
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            int n;
            while ((n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0)
            {
                received.AddRange(buffer.AsSpan(0, n));
            }
            return (true, Encoding.Latin1.GetString([.. received]));
        }
        catch (SocketException)
        {
            return (true, Encoding.Latin1.GetString([.. received]));
        }
        catch (OperationCanceledException)
        {
            return (false, Encoding.Latin1.GetString([.. received]));
        }
    }

    private async Task<byte[]?> ReadUntilAsync(byte[] marker)
    {
        var buffer = new byte[4096];
        while (true)
        {
            int at = IndexOf(_pending, marker);
            if (at >= 0)
            {
                var result = _pending.GetRange(0, at + marker.Length).ToArray();
                _pending.RemoveRange(0, at + marker.Length);
                return result;
            }
            int n = await _socket.ReceiveAsync(buffer, SocketFlags.None);
            if (n == 0)
            {
                return null;
            }
            _pending.AddRange(buffer.AsSpan(0, n));
        }
    }

    private async Task<byte[]> ReadExactlyAsync(int count)
    {
        var buffer = new byte[4096];
        while (_pending.Count < count)
        {
            int n = await _socket.ReceiveAsync(buffer, SocketFlags.None);
            if (n == 0)
            {
                throw new IOException($"The server closed after {_pending.Count} of {count} body bytes.");
            }
            _pending.AddRange(buffer.AsSpan(0, n));
        }
        var result = _pending.GetRange(0, count).ToArray();
        _pending.RemoveRange(0, count);
        return result;
    }

    private static int IndexOf(List<byte> data, byte[] marker)
    {
        for (int i = 0; i + marker.Length <= data.Count; i++)
        {
            int j = 0;
            while (j < marker.Length && data[i + j] == marker[j])
            {
                j++;
            }
            if (j == marker.Length)
            {
                return i;
            }
        }
        return -1;
    }

    public void Dispose() => _socket.Dispose();
}

public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);

    public IReadOnlyList<string> Chunks { get; init; } = [];
}
