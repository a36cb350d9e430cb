using System.Net;
using AgentOS.Mcp.JsonRpc;

namespace AgentOS.Tools.Mcp;

// The SSE side of the transport: reading a stream, resuming it after it ends, and the standalone GET stream.
public sealed partial class HttpMcpTransport
{
    // Reads one stream to its end; then, while its request is unanswered (or, for the standalone stream, while the
    // transport is open), waits the server's retry delay and resumes with a GET carrying the last event id.
    private async Task ReadStreamAsync(HttpResponseMessage response, JsonRpcId? waitingFor, bool standalone)
    {
        string? lastEventId = null;
        var retry = DefaultRetry;
        var token = _stop.Token;
        while (true)
        {
            try
            {
                using (response)
                {
                    var stream = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
                    await foreach (var sse in SseReader.ReadAsync(stream, token).ConfigureAwait(false))
                    {
                        lastEventId = sse.Id ?? lastEventId;
                        if (sse.RetryMs is { } ms)
                        {
                            retry = TimeSpan.FromMilliseconds(ms);
                        }
                        if (sse.Event == "message" && sse.Data.Length > 0)
                        {
                            await DeliverPayloadAsync(Utf8.GetBytes(sse.Data)).ConfigureAwait(false);
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException or ObjectDisposedException)
            {
                // The stream broke rather than ended: resumption is the same.
            }
            if (token.IsCancellationRequested)
            {
                return;
            }
            bool stillWanted = waitingFor is { } id ? _outstanding.ContainsKey(id) : standalone;
            if (!stillWanted)
            {
                return;
            }
            if (lastEventId is null && !standalone)
            {
                await FailAsync(waitingFor!.Value, "the server's stream ended before the answer and gave no event id to resume from").ConfigureAwait(false);
                return;
            }
            try
            {
                await Task.Delay(retry, _time, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var resumed = await GetStreamAsync(lastEventId, token).ConfigureAwait(false);
            if (resumed is null)
            {
                if (waitingFor is { } unanswered)
                {
                    await FailAsync(unanswered, "the server's stream ended before the answer and it refused to resume it").ConfigureAwait(false);
                }
                return;
            }
            response = resumed;
        }
    }

    private async Task OpenStandaloneStreamAsync()
    {
        var response = await GetStreamAsync(null, _stop.Token).ConfigureAwait(false);
        if (response is not null)
        {
            await ReadStreamAsync(response, null, standalone: true).ConfigureAwait(false);
        }
    }

    // A GET for an SSE stream (resuming after lastEventId when given); null when the server offers none.
    private async Task<HttpResponseMessage?> GetStreamAsync(string? lastEventId, CancellationToken cancellationToken)
    {
        using var get = NewRequest(HttpMethod.Get);
        get.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            get.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(get, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or ObjectDisposedException)
        {
            return null;
        }
        if (response.StatusCode == HttpStatusCode.OK && response.Content.Headers.ContentType?.MediaType == "text/event-stream")
        {
            return response;
        }
        response.Dispose();
        return null;
    }

    private ValueTask FailAsync(JsonRpcId id, string why) =>
        DeliverAsync(new JsonRpcErrorResponse(id, new JsonRpcError(JsonRpcErrorCodes.InternalError, $"The MCP server at {_endpoint} did not answer: {why}.")));
}
