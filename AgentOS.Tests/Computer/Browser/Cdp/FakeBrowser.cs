using System.IO.Pipes;
using System.Text;
using System.Text.Json;
using AgentOS.Computer.Browser.Cdp;

namespace AgentOS.Tests.Computer.Browser.Cdp;

/// <summary>
/// The browser's end of a DevTools pipe, scripted by a test: reads the client's NUL-terminated commands and writes
/// answers and events (whole, split or several in one write), over real OS pipes.
/// </summary>
public sealed class FakeBrowser : IAsyncDisposable
{
    private readonly AnonymousPipeServerStream _toClient = new(PipeDirection.Out);
    private readonly AnonymousPipeServerStream _fromClient = new(PipeDirection.In);
    private readonly List<byte> _pending = [];

    public FakeBrowser(TimeProvider? time = null)
    {
        Connection = new CdpConnection(
            new AnonymousPipeClientStream(PipeDirection.In, _toClient.ClientSafePipeHandle),
            new AnonymousPipeClientStream(PipeDirection.Out, _fromClient.ClientSafePipeHandle),
            time);
    }

    public CdpConnection Connection { get; }

    /// <summary>The next command the client wrote.</summary>
    public async Task<JsonElement> NextCommandAsync()
    {
        var chunk = new byte[4096];
        while (true)
        {
            var end = _pending.IndexOf(0);
            if (end >= 0)
            {
                var frame = _pending.GetRange(0, end).ToArray();
                _pending.RemoveRange(0, end + 1);
                return JsonDocument.Parse(frame).RootElement.Clone();
            }
            var read = await _fromClient.ReadAsync(chunk);
            if (read == 0)
            {
                throw new EndOfStreamException("the client closed its end");
            }
            _pending.AddRange(chunk.AsSpan(0, read).ToArray());
        }
    }

    /// <summary>Writes raw bytes (frames must carry their own NULs).</summary>
    public async Task WriteRawAsync(string text)
    {
        await _toClient.WriteAsync(Encoding.UTF8.GetBytes(text));
        await _toClient.FlushAsync();
    }

    public Task SendAsync(string json) => WriteRawAsync(json + "\0");

    /// <summary>Closes the browser's output, as a browser that exits does.</summary>
    public void CloseOutput() => _toClient.Dispose();

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        _toClient.Dispose();
        _fromClient.Dispose();
    }
}
