using System.Buffers;
using System.Text.Json;
using AgentOS.Serialization;

namespace AgentOS.Computer.Browser.Cdp;

public sealed partial class CdpConnection
{
    private async Task ReadLoopAsync()
    {
        var chunk = new byte[64 * 1024];
        var message = new ArrayBufferWriter<byte>(64 * 1024);
        Exception? failure = null;
        try
        {
            while (Volatile.Read(ref _closeReason) is null)
            {
                var read = await _fromBrowser.ReadAsync(chunk).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                var rest = chunk.AsSpan(0, read);
                for (var end = rest.IndexOf((byte)0); end >= 0; end = rest.IndexOf((byte)0))
                {
                    if (message.WrittenCount == 0)
                    {
                        Dispatch(rest[..end]);
                    }
                    else
                    {
                        message.Write(rest[..end]);
                        Dispatch(message.WrittenSpan);
                        message.ResetWrittenCount();
                    }
                    rest = rest[(end + 1)..];
                }
                message.Write(rest);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            failure = e;
        }
        catch (CdpDisconnectedException e)
        {
            Close(e);
            return;
        }
        Close(new CdpDisconnectedException("The browser closed its DevTools pipe (it exited or was stopped): start a new one.", failure));
    }

    private void Dispatch(ReadOnlySpan<byte> json)
    {
        CdpMessage? message;
        try
        {
            message = JsonSerializer.Deserialize(json, AgentOSJsonContext.Default.CdpMessage);
        }
        catch (JsonException e)
        {
            // A peer that breaks framing cannot be trusted with the answers that follow: fail everything now rather
            // than let commands wait for answers that will never parse.
            throw new CdpDisconnectedException("The browser sent a message that is not JSON; the connection was closed.", e);
        }
        if (message is null)
        {
            return;
        }
        if (message.Id is { } id)
        {
            if (_pending.TryRemove(id, out var pending))
            {
                if (message.Error is { } error)
                {
                    pending.Answer.TrySetException(new CdpProtocolException(pending.Method, error.Code, error.Message, error.Data));
                }
                else
                {
                    pending.Answer.TrySetResult(message.Result ?? EmptyObject);
                }
            }
            // An answer nobody waits for any more (its command timed out or was cancelled) is dropped.
            return;
        }
        if (message.Method is { } method)
        {
            var received = new CdpEvent(method, message.Params ?? EmptyObject, message.SessionId);
            Publish(received);
            if (method == "Target.detachedFromTarget" && received.Params.TryGetProperty("sessionId", out var detached) && detached.GetString() is { } gone)
            {
                FailSession(gone);
            }
        }
    }

    // A detached session never answers again: its waiting commands and event waits fail at once.
    private void FailSession(string sessionId)
    {
        var reason = new CdpDisconnectedException($"The DevTools session {sessionId} was detached (its tab closed or crashed).");
        foreach (var (id, pending) in _pending)
        {
            if (pending.SessionId == sessionId && _pending.TryRemove(id, out _))
            {
                pending.Answer.TrySetException(reason);
            }
        }
        FailSubscriptions(sessionId, reason);
    }
}
