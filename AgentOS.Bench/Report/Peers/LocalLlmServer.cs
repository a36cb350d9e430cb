using System.Globalization;
using System.Net;
using System.Text.Json;
using AgentOS.Hosting.Http.Transport;
using AgentOS.Hosting.OpenAi;
using AgentOS.Llm.Http;
using AgentOS.Serialization;

namespace AgentOS.Bench.Report.Peers;

/// <summary>
/// The local LLM server every peer shares, on 127.0.0.1: OpenAI chat completions (whole or streamed) with a fixed
/// capacity of <see cref="Capacity"/> requests at once, answering 429 with <c>Retry-After</c> beyond it, as hosted APIs
/// do. A request's latency is a first-token time plus a per-token time. How long an answer is, the "model" decides
/// from the prompt, so every peer gets the same lengths for the same calls (see <see cref="PeerWorkload.OutputTokens"/>).
/// </summary>
internal sealed class LocalLlmServer : IDisposable
{
    public const int Capacity = 4;
    public const string Model = "sim";
    public const int RetryAfterSeconds = 1;

    private readonly HttpTransportServer _http;
    private readonly TimeSpan _firstToken, _perToken;
    private int _inFlight, _peak;
    private long _accepted, _rejected;

    private LocalLlmServer(TimeSpan firstToken, TimeSpan perToken)
    {
        (_firstToken, _perToken) = (firstToken, perToken);
        _http = HttpTransportServer.Start([IPAddress.Loopback], 0, new HttpLimits(), HandleAsync);
    }

    public static LocalLlmServer Start(TimeSpan firstToken, TimeSpan perToken) => new(firstToken, perToken);

    /// <summary>The OpenAI base URL, with its <c>/v1</c>.</summary>
    public string BaseUrl => $"http://127.0.0.1:{_http.Port}/v1";

    public TimeSpan FirstToken => _firstToken;

    public TimeSpan PerToken => _perToken;

    /// <summary>Requests served, and refused with 429, since the last <see cref="ResetCounters"/>.</summary>
    public (long Accepted, long Rejected, int Peak) Counters => (Interlocked.Read(ref _accepted), Interlocked.Read(ref _rejected), Volatile.Read(ref _peak));

    public void ResetCounters()
    {
        Interlocked.Exchange(ref _accepted, 0);
        Interlocked.Exchange(ref _rejected, 0);
        Volatile.Write(ref _peak, 0);
    }

    private async Task HandleAsync(HttpServerRequest request, HttpServerResponse response)
    {
        string path = request.Url.AbsolutePath.TrimEnd('/');
        if (request.HttpMethod == "GET" && path == "/v1/models")
        {
            var models = new ModelList { Data = [new ModelInfo { Id = Model, Created = 0 }] };
            await WriteAsync(response, 200, JsonSerializer.SerializeToUtf8Bytes(models, AgentOSJsonContext.Default.ModelList)).ConfigureAwait(false);
            return;
        }
        if (request.HttpMethod != "POST" || path != "/v1/chat/completions")
        {
            await ErrorAsync(response, 404, "not_found", $"{request.HttpMethod} {path} is not served here: only POST /v1/chat/completions and GET /v1/models.").ConfigureAwait(false);
            return;
        }
        ChatCompletionRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync(request.InputStream, AgentOSJsonContext.Default.ChatCompletionRequest).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            await ErrorAsync(response, 400, "invalid_request_error", "malformed JSON: " + ex.Message).ConfigureAwait(false);
            return;
        }
        if (body?.Messages is not { Count: > 0 } messages)
        {
            await ErrorAsync(response, 400, "invalid_request_error", "'messages' must hold at least one message.").ConfigureAwait(false);
            return;
        }
        if (Interlocked.Increment(ref _inFlight) > Capacity)
        {
            Interlocked.Decrement(ref _inFlight);
            Interlocked.Increment(ref _rejected);
            response.AddHeader("Retry-After", RetryAfterSeconds.ToString(CultureInfo.InvariantCulture));
            await ErrorAsync(response, 429, "rate_limit_exceeded", $"The server is at its capacity of {Capacity} concurrent requests; retry after {RetryAfterSeconds} s.").ConfigureAwait(false);
            return;
        }
        Interlocked.Increment(ref _accepted);
        for (int seen = Volatile.Read(ref _peak), now = Volatile.Read(ref _inFlight); now > seen && Interlocked.CompareExchange(ref _peak, now, seen) != seen; seen = Volatile.Read(ref _peak))
        {
        }
        bool released = false;
        try
        {
            string prompt = string.Join("\n", messages.Select(m => m.Content is { ValueKind: JsonValueKind.String } c ? c.GetString() : m.Content?.GetRawText()));
            int tokens = Math.Min(PeerWorkload.OutputTokens(prompt), body.MaxCompletionTokens ?? body.MaxTokens ?? int.MaxValue);
            int promptTokens = Math.Max(1, prompt.Length / 4);
            long start = TimeProvider.System.GetTimestamp();
            if (!body.Stream)
            {
                await Until(start, _firstToken + _perToken * tokens).ConfigureAwait(false);
                Release();
                var whole = Completion(body, "chat.completion");
                whole.Choices.Add(new ChatChoice { Message = new AssistantMessage { Role = "assistant", Content = Words(tokens) }, FinishReason = "stop" });
                whole.Usage = new OpenAiUsage { PromptTokens = promptTokens, CompletionTokens = tokens, TotalTokens = promptTokens + tokens };
                await WriteAsync(response, 200, JsonSerializer.SerializeToUtf8Bytes(whole, AgentOSJsonContext.Default.ChatCompletion)).ConfigureAwait(false);
                return;
            }
            response.StatusCode = 200;
            response.ContentType = "text/event-stream";
            response.SendChunked = true;
            var output = response.OutputStream;
            await Until(start, _firstToken).ConfigureAwait(false);
            await ChunkAsync(output, body, new AssistantMessage { Role = "assistant", Content = "" }, null, null).ConfigureAwait(false);
            // Tokens go out in pieces of up to 8, each when its last token is due: the per-token time without a timer
            // per token.
            for (int sent = 0; sent < tokens;)
            {
                int piece = Math.Min(8, tokens - sent);
                sent += piece;
                await Until(start, _firstToken + _perToken * sent).ConfigureAwait(false);
                await ChunkAsync(output, body, new AssistantMessage { Content = Words(piece) + " " }, null, null).ConfigureAwait(false);
            }
            Release();
            bool usage = body.StreamOptions?.IncludeUsage == true;
            await ChunkAsync(output, body, new AssistantMessage(), "stop", null).ConfigureAwait(false);
            if (usage)
            {
                await ChunkAsync(output, body, null, null, new OpenAiUsage { PromptTokens = promptTokens, CompletionTokens = tokens, TotalTokens = promptTokens + tokens }).ConfigureAwait(false);
            }
            await output.WriteAsync("data: [DONE]\n\n"u8.ToArray()).ConfigureAwait(false);
            response.Close();
        }
        finally
        {
            Release();
        }

        // The slot is free once generation ends, before the last bytes go out, so a client that sends its next request
        // the moment it has read an answer never finds its own previous request still counted.
        void Release()
        {
            if (!released)
            {
                released = true;
                Interlocked.Decrement(ref _inFlight);
            }
        }
    }

    private static async Task Until(long start, TimeSpan due)
    {
        var left = due - TimeProvider.System.GetElapsedTime(start);
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left).ConfigureAwait(false);
        }
    }

    private static ChatCompletion Completion(ChatCompletionRequest body, string kind) =>
        new() { Id = "chatcmpl-report", Object = kind, Created = 0, Model = body.Model ?? Model };

    private static async Task ChunkAsync(Stream output, ChatCompletionRequest body, AssistantMessage? delta, string? finish, OpenAiUsage? usage)
    {
        var chunk = Completion(body, "chat.completion.chunk");
        if (delta is not null)
        {
            chunk.Choices.Add(new ChatChoice { Delta = delta, FinishReason = finish });
        }
        chunk.Usage = usage;
        var bytes = JsonSerializer.SerializeToUtf8Bytes(chunk, AgentOSJsonContext.Default.ChatCompletion);
        await output.WriteAsync("data: "u8.ToArray()).ConfigureAwait(false);
        await output.WriteAsync(bytes).ConfigureAwait(false);
        await output.WriteAsync("\n\n"u8.ToArray()).ConfigureAwait(false);
        await output.FlushAsync().ConfigureAwait(false);
    }

    private static string Words(int count) => string.Join(' ', Enumerable.Repeat("tok", count));

    private static Task ErrorAsync(HttpServerResponse response, int status, string type, string message) =>
        WriteAsync(response, status, JsonSerializer.SerializeToUtf8Bytes(new OpenAiErrorBody { Error = new OpenAiError { Message = message, Type = type, Code = type } }, AgentOSJsonContext.Default.OpenAiErrorBody));

    private static async Task WriteAsync(HttpServerResponse response, int status, byte[] json)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength64 = json.Length;
        await response.OutputStream.WriteAsync(json).ConfigureAwait(false);
        response.Close();
    }

    public void Dispose() => _http.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
