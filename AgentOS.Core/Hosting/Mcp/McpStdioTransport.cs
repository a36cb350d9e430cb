using System.Text;
using AgentOS.Mcp.JsonRpc;

namespace AgentOS.Hosting.Mcp;

/// <summary>
/// MCP over stdio: one JSON-RPC payload per line on stdin, one per line on stdout, nothing else on stdout (logs go to
/// stderr). A batch (2025-03-26) is answered with one array line once all its requests are done; single requests are
/// answered as each finishes, so they may overtake each other. Ends when stdin closes, after the requests in flight.
/// </summary>
internal sealed class McpStdioTransport(Stream input, Stream output) : IMcpSink, IDisposable
{
    private readonly SemaphoreSlim _write = new(1, 1);

    public void Dispose() => _write.Dispose();

    public async ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        await _write.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await output.WriteAsync(message, CancellationToken.None).ConfigureAwait(false);
            output.WriteByte((byte)'\n');
            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _write.Release();
        }
    }

    /// <summary>Reads and answers for <paramref name="session"/> (whose sink this is) until stdin ends or <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(McpSession session, CancellationToken cancellationToken)
    {
        var running = new List<Task>();
        using var reader = new StreamReader(input, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            running.RemoveAll(t => t.IsCompleted);
            var payload = JsonRpcReader.Parse(Encoding.UTF8.GetBytes(line));
            if (payload.IsBatch)
            {
                running.Add(AnswerBatchAsync(session, payload, cancellationToken));
                continue;
            }
            foreach (var error in McpDispatch.Errors(payload))
            {
                await SendAsync(error, cancellationToken).ConfigureAwait(false);
            }
            foreach (var message in payload.Messages)
            {
                if (message is JsonRpcRequest request)
                {
                    running.Add(AnswerAsync(McpDispatch.RequestAsync(session, request, this, cancellationToken)));
                }
                else
                {
                    await McpDispatch.OtherAsync(session, message, this).ConfigureAwait(false);
                }
            }
        }
        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private async Task AnswerAsync(Task<byte[]?> answer)
    {
        if (await answer.ConfigureAwait(false) is { } bytes)
        {
            await SendAsync(bytes).ConfigureAwait(false);
        }
    }

    private async Task AnswerBatchAsync(McpSession session, JsonRpcPayload payload, CancellationToken cancellationToken)
    {
        var answers = new List<Task<byte[]?>>();
        foreach (var message in payload.Messages)
        {
            if (message is JsonRpcRequest request)
            {
                answers.Add(McpDispatch.RequestAsync(session, request, this, cancellationToken));
            }
            else
            {
                await McpDispatch.OtherAsync(session, message, this).ConfigureAwait(false);
            }
        }
        var all = new List<byte[]>(McpDispatch.Errors(payload));
        foreach (var answer in await Task.WhenAll(answers).ConfigureAwait(false))
        {
            if (answer is not null)
            {
                all.Add(answer);
            }
        }
        if (all.Count > 0)
        {
            await SendAsync(McpMessages.Array(all), cancellationToken).ConfigureAwait(false);
        }
    }
}
