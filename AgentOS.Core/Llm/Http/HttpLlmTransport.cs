using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using AgentOS.Syscalls.Errors;

namespace AgentOS.Llm.Http;

/// <summary>
/// What the HTTP backends share: one <see cref="HttpClient"/> per backend, JSON posts and server-sent-event streams,
/// and the mapping of every failure to a typed syscall error. Never a hang: every read runs under the caller's token
/// linked with a timeout on the backend's <see cref="TimeProvider"/> that restarts whenever bytes arrive, so a server
/// that stops talking (before its headers, or in the middle of a stream) fails with
/// <see cref="DeadlineExceededException"/> after the timeout, however long a healthy stream runs.
/// </summary>
internal sealed class HttpLlmTransport : IDisposable
{
    private readonly HttpClient _client;
    private readonly string _backend;
    private readonly Uri _base;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly Action<HttpRequestHeaders> _authorize;

    public HttpLlmTransport(string backend, Uri baseUri, TimeSpan timeout, TimeProvider time, Action<HttpRequestHeaders> authorize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        _backend = backend;
        // A trailing slash makes relative paths append to the base's path ("…/v1/" + "chat/completions").
        _base = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
        _timeout = timeout;
        _time = time;
        _authorize = authorize;
        // Our own timeout (per read, on the backend's clock) replaces HttpClient's whole-request one.
        _client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public Uri BaseUri => _base;

    public void Dispose() => _client.Dispose();

    /// <summary>Posts JSON and reads the whole JSON answer.</summary>
    public async Task<byte[]> PostAsync(string path, byte[] body, CancellationToken cancellationToken)
    {
        using var watch = new IdleTimeout(_timeout, _time, cancellationToken);
        try
        {
            using var response = await SendAsync(path, body, "application/json", watch.Token).ConfigureAwait(false);
            var bytes = await response.Content.ReadAsByteArrayAsync(watch.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw Failure(response, bytes);
            }
            return bytes;
        }
        catch (Exception ex) when (Translate(ex, watch, cancellationToken) is { } typed)
        {
            throw typed;
        }
    }

    /// <summary>Posts JSON and yields the answer's server-sent events as (event name, data) pairs until the stream
    /// ends. The caller decides whether the end was complete: a cut stream just ends.</summary>
    public async IAsyncEnumerable<(string? Event, string Data)> StreamAsync(string path, byte[] body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var watch = new IdleTimeout(_timeout, _time, cancellationToken);
        HttpResponseMessage? response = null;
        StreamReader reader;
        try
        {
            response = await SendAsync(path, body, "text/event-stream", watch.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw Failure(response, await response.Content.ReadAsByteArrayAsync(watch.Token).ConfigureAwait(false));
            }
            reader = new StreamReader(await response.Content.ReadAsStreamAsync(watch.Token).ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            // Whatever failed before the body was handed to the reader, the response is this method's to release.
            response?.Dispose();
            if (Translate(ex, watch, cancellationToken) is { } typed)
            {
                throw typed;
            }
            throw;
        }
        using (response)
        using (reader)
        {
            string? name = null;
            var data = new System.Text.StringBuilder();
            while (true)
            {
                string? line;
                try
                {
                    line = await reader.ReadLineAsync(watch.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (Translate(ex, watch, cancellationToken) is { } typed)
                {
                    throw typed;
                }
                if (line is null)
                {
                    yield break;
                }
                watch.Restart();
                // SSE: "field: value" lines; a blank line ends an event; lines starting with ':' are comments.
                if (line.Length == 0)
                {
                    if (data.Length > 0)
                    {
                        yield return (name, data.ToString());
                    }
                    name = null;
                    data.Clear();
                }
                else if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    if (data.Length > 0)
                    {
                        data.Append('\n');
                    }
                    data.Append(line.AsSpan(line.Length > 5 && line[5] == ' ' ? 6 : 5));
                }
                else if (line.StartsWith("event:", StringComparison.Ordinal))
                {
                    name = line[(line.Length > 6 && line[6] == ' ' ? 7 : 6)..];
                }
            }
        }
    }

    /// <summary>A stream that ended without its closing event.</summary>
    public BackendFailedException Truncated(string expected) =>
        new($"The LLM backend '{_backend}' ({_base}) closed its stream before {expected}: the answer is incomplete. Retry the call, or use another backend.");

    /// <summary>A body that is not the JSON the API documents.</summary>
    public BackendFailedException Malformed(Exception? inner, string what = "a response") =>
        new($"The LLM backend '{_backend}' ({_base}) sent {what} that is not valid JSON for its API: {inner?.Message ?? "fields are missing"}. Check that the base URL points at the right API.", inner);

    /// <summary>Deserializes a body, turning malformed JSON into a typed error.</summary>
    public T Parse<T>(ReadOnlySpan<byte> json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, string what = "a response")
    {
        try
        {
            return JsonSerializer.Deserialize(json, type) ?? throw Malformed(null, what);
        }
        catch (JsonException ex)
        {
            throw Malformed(ex, what);
        }
    }

    /// <inheritdoc cref="Parse{T}(ReadOnlySpan{byte}, System.Text.Json.Serialization.Metadata.JsonTypeInfo{T}, string)"/>
    public T Parse<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, string what = "a stream event") =>
        Parse(System.Text.Encoding.UTF8.GetBytes(json), type, what);

    private async Task<HttpResponseMessage> SendAsync(string path, byte[] body, string accept, CancellationToken token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_base, path));
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        _authorize(request.Headers);
        return await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
    }

    // The typed error for an exception from the HTTP stack: the caller's cancellation stays a cancellation, our own
    // timeout becomes a deadline error, a broken connection a backend failure. Null keeps the exception as it is.
    private Exception? Translate(Exception ex, IdleTimeout watch, CancellationToken caller) => ex switch
    {
        SyscallException => null,
        OperationCanceledException when caller.IsCancellationRequested => null,
        OperationCanceledException when watch.Expired => new DeadlineExceededException(
            $"The LLM backend '{_backend}' ({_base}) sent nothing for {_timeout.TotalSeconds:0.###} s; the call was abandoned. Raise the backend's timeout if the model is just slow, or check the server.", ex),
        HttpRequestException or IOException => new BackendFailedException(
            $"The LLM backend '{_backend}' ({_base}) could not be reached or broke the connection: {ex.Message}. Check that the server runs at that address.", ex),
        _ => null,
    };

    // A non-success status as a typed error: 429 (and 503 with Retry-After) are rate limits carrying the retry time.
    private SyscallException Failure(HttpResponseMessage response, byte[] body)
    {
        int status = (int)response.StatusCode;
        string detail = ErrorMessage(body);
        var retryAfter = RetryAfter(response.Headers.RetryAfter, _time.GetUtcNow());
        string where = $"The LLM backend '{_backend}' ({_base}) answered {status} {response.ReasonPhrase}: {detail}";
        return response.StatusCode switch
        {
            HttpStatusCode.TooManyRequests => new RateLimitedException($"{where}. It accepts requests again {(retryAfter is { } r ? $"in {r.TotalSeconds:0.###} s" : "later (it gave no Retry-After)")}.") { RetryAfter = retryAfter },
            HttpStatusCode.ServiceUnavailable when retryAfter is not null => new RateLimitedException($"{where}. It accepts requests again in {retryAfter.Value.TotalSeconds:0.###} s.") { RetryAfter = retryAfter },
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new BackendFailedException($"{where}. Check the backend's API key (its api_key or api_key_env setting)."),
            HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.UnprocessableEntity or HttpStatusCode.RequestEntityTooLarge =>
                new InvalidRequestException($"{where}. The server refused the request as sent; check the model name and the query."),
            _ => new BackendFailedException($"{where}. Retry the call, or use another backend."),
        };
    }

    /// <summary>The retry time a Retry-After header gives (seconds, or an HTTP date taken relative to
    /// <paramref name="now"/>), never negative.</summary>
    internal static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now) => header switch
    {
        { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
        { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
        _ => null,
    };

    // OpenAI and Anthropic both put the reason at error.message; anything else is shown raw, shortened.
    private static string ErrorMessage(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                {
                    return message.GetString()!;
                }
                if (error.ValueKind == JsonValueKind.String)
                {
                    return error.GetString()!;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: show the text itself.
        }
        var text = System.Text.Encoding.UTF8.GetString(body).Trim();
        return text.Length == 0 ? "(no body)" : text.Length > 300 ? text[..300] + "…" : text;
    }

    // The caller's token linked with a timeout that restarts on progress.
    private sealed class IdleTimeout : IDisposable
    {
        private readonly CancellationTokenSource _timer;
        private readonly CancellationTokenSource _linked;
        private readonly TimeSpan _timeout;

        public IdleTimeout(TimeSpan timeout, TimeProvider time, CancellationToken caller)
        {
            _timeout = timeout;
            _timer = new CancellationTokenSource(timeout, time);
            _linked = CancellationTokenSource.CreateLinkedTokenSource(caller, _timer.Token);
        }

        public CancellationToken Token => _linked.Token;

        public bool Expired => _timer.IsCancellationRequested;

        public void Restart() => _timer.CancelAfter(_timeout);

        public void Dispose()
        {
            _linked.Dispose();
            _timer.Dispose();
        }
    }
}
