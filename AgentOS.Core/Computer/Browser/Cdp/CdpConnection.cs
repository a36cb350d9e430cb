using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentOS.Computer.Browser.Cdp;

/// <summary>
/// A client of the Chrome DevTools protocol over a pipe: messages are JSON objects, each followed by a NUL byte
/// (Chromium's <c>--remote-debugging-pipe</c>, which reads descriptor 3 and writes descriptor 4). Commands get ids and
/// complete with their result or a <see cref="CdpProtocolException"/>; events go to subscribers in arrival order;
/// flat sessions (<c>Target.attachToTarget</c> with <c>flatten</c>) share the one pipe, each message naming its
/// session. Thread-safe: any number of commands may be in flight from any threads.
/// </summary>
/// <remarks>
/// Event handlers run on the connection's reader, one at a time, and must not block on another command's answer
/// (that answer is read by the same reader: it would wait forever). A handler that throws closes the connection with
/// its exception inside a <see cref="CdpDisconnectedException"/>, so the failure is never lost.
/// </remarks>
public sealed partial class CdpConnection : IAsyncDisposable
{
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    private readonly Stream _fromBrowser;
    private readonly Stream _toBrowser;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly ConcurrentDictionary<long, Pending> _pending = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reader;
    private CdpDisconnectedException? _closeReason;
    private long _lastId;

    /// <summary>Starts reading <paramref name="fromBrowser"/> at once; commands are written to <paramref name="toBrowser"/>.</summary>
    /// <param name="fromBrowser">The browser's output (its descriptor 4).</param>
    /// <param name="toBrowser">The browser's input (its descriptor 3).</param>
    /// <param name="time">The clock for command and event timeouts; the system's when null.</param>
    public CdpConnection(Stream fromBrowser, Stream toBrowser, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(fromBrowser);
        ArgumentNullException.ThrowIfNull(toBrowser);
        _fromBrowser = fromBrowser;
        _toBrowser = toBrowser;
        _time = time ?? TimeProvider.System;
        _reader = Task.Run(ReadLoopAsync);
    }

    /// <summary>How long a command may wait for its answer, and an event wait without its own timeout. Default 30 s.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether the connection is still open.</summary>
    public bool IsConnected => Volatile.Read(ref _closeReason) is null;

    /// <summary>Completes when the connection closes (the browser exited, the pipe broke, or it was disposed).</summary>
    public Task Closed => _closed.Task;

    /// <summary>
    /// Sends <paramref name="method"/> and waits for its result (an empty object when the command returns nothing).
    /// </summary>
    /// <param name="method">The command, <c>Domain.method</c> (<c>Page.navigate</c>).</param>
    /// <param name="parameters">Its parameters, or <see langword="null"/>.</param>
    /// <param name="sessionId">The flat session to send it on; the browser itself when null.</param>
    /// <param name="cancellationToken">Stops waiting (the command may still run in the browser).</param>
    /// <exception cref="CdpProtocolException">The browser answered with an error.</exception>
    /// <exception cref="CdpTimeoutException">No answer within <see cref="CommandTimeout"/>.</exception>
    /// <exception cref="CdpDisconnectedException">The connection or the session closed before the answer.</exception>
    public async Task<JsonElement> SendAsync(string method, JsonObject? parameters = null, string? sessionId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ThrowIfClosed();
        var id = Interlocked.Increment(ref _lastId);
        var pending = new Pending(method, sessionId);
        _pending[id] = pending;
        try
        {
            // Closing sweeps the table; a command added just after the sweep must fail here rather than wait forever.
            ThrowIfClosed();
            await WriteAsync(Encode(id, method, parameters, sessionId), cancellationToken).ConfigureAwait(false);
            return await pending.Answer.Task.WaitAsync(CommandTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new CdpTimeoutException($"The command '{method}'", CommandTimeout);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Attaches to a target (a page, a worker) as a flat session on this connection.</summary>
    /// <exception cref="CdpProtocolException">No such target.</exception>
    public async Task<CdpSession> AttachToTargetAsync(string targetId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetId);
        var result = await SendAsync("Target.attachToTarget", new JsonObject { ["targetId"] = targetId, ["flatten"] = true }, null, cancellationToken).ConfigureAwait(false);
        return new CdpSession(this, result.GetProperty("sessionId").GetString()!, targetId);
    }

    /// <summary>Opens a new page (a tab) at <paramref name="url"/> and attaches to it.</summary>
    public async Task<CdpSession> NewPageAsync(string url = "about:blank", CancellationToken cancellationToken = default)
    {
        var created = await SendAsync("Target.createTarget", new JsonObject { ["url"] = url }, null, cancellationToken).ConfigureAwait(false);
        return await AttachToTargetAsync(created.GetProperty("targetId").GetString()!, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the connection: waiting commands and event waits fail with <see cref="CdpDisconnectedException"/>,
    /// and the browser sees its input end (Chromium then exits). Stopping the browser's process is its owner's job.</summary>
    public ValueTask DisposeAsync()
    {
        Close(new CdpDisconnectedException("The DevTools connection was disposed."));
        _toBrowser.Dispose();
        // A read in flight holds the input's handle until it returns (the browser's exit ends it); the owner of the
        // process awaits ReaderStopped after killing it.
        _fromBrowser.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Completes when the reader has stopped (after the browser's side of the pipe closed).</summary>
    internal Task ReaderStopped => _reader;

    private void ThrowIfClosed()
    {
        if (Volatile.Read(ref _closeReason) is { } reason)
        {
            throw new CdpDisconnectedException(reason.Message, reason.InnerException);
        }
    }

    private static ReadOnlyMemory<byte> Encode(long id, string method, JsonObject? parameters, string? sessionId)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("id", id);
            writer.WriteString("method", method);
            if (sessionId is not null)
            {
                writer.WriteString("sessionId", sessionId);
            }
            if (parameters is not null)
            {
                writer.WritePropertyName("params");
                parameters.WriteTo(writer);
            }
            writer.WriteEndObject();
        }
        buffer.Write([(byte)0]);
        return buffer.WrittenMemory;
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Not cancellable once started: half a frame would corrupt every later message.
            await _toBrowser.WriteAsync(frame, CancellationToken.None).ConfigureAwait(false);
            await _toBrowser.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            var reason = new CdpDisconnectedException("The browser's DevTools pipe is closed (the browser exited or was stopped): start a new one.", e);
            Close(reason);
            throw reason;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private void Close(CdpDisconnectedException reason)
    {
        if (Interlocked.CompareExchange(ref _closeReason, reason, null) is not null)
        {
            return;
        }
        foreach (var (id, pending) in _pending)
        {
            if (_pending.TryRemove(id, out _))
            {
                pending.Answer.TrySetException(reason);
            }
        }
        FailSubscriptions(null, reason);
        _closed.TrySetResult();
    }

    private sealed class Pending(string method, string? sessionId)
    {
        public string Method => method;

        public string? SessionId => sessionId;

        public TaskCompletionSource<JsonElement> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
