using System.Buffers;
using System.Collections.Concurrent;
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
    // Answers are written by whichever sender finds the writer free: it writes its own message and every message queued
    // meanwhile as ONE write of the lines joined (stdout is unbuffered: a write per message and another per newline
    // woke the client twice per answer, and with many requests in flight cost a system call each). Protocol: enqueue,
    // then try to become the writer (_writing 0 -> 1); the writer drains, releases (_writing = 0), then rechecks the
    // queue, so a message enqueued just before the release is never left behind.
    private readonly ConcurrentQueue<(ReadOnlyMemory<byte> Message, TaskCompletionSource? Written)> _queue = new();
    private readonly ArrayBufferWriter<byte> _batch = new(4096);
    private int _writing;

    public void Dispose()
    {
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _writing) == 0 && _queue.IsEmpty && Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
        {
            // Uncontended: write now, on this thread, with the newline in the same write.
            return WriteAloneAsync(message);
        }
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Enqueue((message, written));
        return TryDrainAsync(written.Task);
    }

    private async ValueTask WriteAloneAsync(ReadOnlyMemory<byte> message)
    {
        try
        {
            _batch.Clear();
            _batch.Write(message.Span);
            _batch.Write("\n"u8);
            await output.WriteAsync(_batch.WrittenMemory, CancellationToken.None).ConfigureAwait(false);
            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
        await DrainAsync().ConfigureAwait(false); // what others queued while this one wrote
    }

    private async ValueTask TryDrainAsync(Task written)
    {
        await DrainAsync().ConfigureAwait(false);
        await written.ConfigureAwait(false);
    }

    private async ValueTask DrainAsync()
    {
        while (!_queue.IsEmpty && Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
        {
            var done = new List<TaskCompletionSource>();
            try
            {
                _batch.Clear();
                while (_queue.TryDequeue(out var item))
                {
                    _batch.Write(item.Message.Span);
                    _batch.Write("\n"u8);
                    if (item.Written is not null)
                    {
                        done.Add(item.Written);
                    }
                }
                await output.WriteAsync(_batch.WrittenMemory, CancellationToken.None).ConfigureAwait(false);
                await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                done.ForEach(d => d.TrySetResult());
            }
            catch (Exception ex)
            {
                done.ForEach(d => d.TrySetException(ex));
                throw;
            }
            finally
            {
                Volatile.Write(ref _writing, 0);
            }
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
