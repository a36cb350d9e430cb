using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AgentOS.Hosting.Http;
using AgentOS.Serialization;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;

namespace AgentOS.Sdk;

/// <summary>
/// The port of a kernel in another process (<c>dotnet AgentOS.Core.dll serve</c>): each syscall is a POST to its HTTP
/// API, and each error comes back as the same typed exception an in-process caller would get.
/// </summary>
public sealed class RemoteKernelPort : IKernelPort, IToolCatalog, IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsClient;

    /// <summary>Talks to the kernel at <paramref name="baseUrl"/> (as printed by <c>serve</c>).</summary>
    /// <param name="baseUrl">The kernel's base URL.</param>
    /// <param name="bearerToken">The caller's token: every request to the kernel authenticates, and acts as the identity
    /// this token maps to (an agent's <c>--api-key</c>, an entry of the credentials file, or the admin token, whose
    /// holder may act for any agent). <see langword="null"/> only for a kernel run with <c>--insecure-no-auth</c>.</param>
    /// <param name="client">An HttpClient to use (default: a new one, disposed with this port).</param>
    public RemoteKernelPort(Uri baseUrl, string? bearerToken = null, HttpClient? client = null)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        _ownsClient = client is null;
        _http = client ?? new HttpClient();
        _http.BaseAddress = baseUrl;
        if (bearerToken is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }
    }

    /// <inheritdoc />
    public async ValueTask<SyscallResponse> SubmitAsync(SyscallRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.StreamTo is { } sink
            ? await StreamAsync(request, sink, cancellationToken).ConfigureAwait(false)
            : await PostAsync("v1/syscalls", request, AgentOSJsonContext.Default.SyscallRequest, AgentOSJsonContext.Default.SyscallResponse, cancellationToken).ConfigureAwait(false);
    }

    // A streamed LLM syscall: POST ?stream=true and read server-sent events — each delta to the sink, then the
    // response (or the typed error).
    private async Task<SyscallResponse> StreamAsync(SyscallRequest request, System.Threading.Channels.ChannelWriter<string> sink, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(request, AgentOSJsonContext.Default.SyscallRequest));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var message = new HttpRequestMessage(HttpMethod.Post, "v1/syscalls?stream=true") { Content = content };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new BackendFailedException($"Cannot reach the kernel at {_http.BaseAddress}: {ex.Message}", ex);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw await ErrorOf(response, "v1/syscalls", cancellationToken).ConfigureAwait(false);
            }
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
            string? name = null;
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line["event: ".Length..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    var data = line["data: ".Length..];
                    switch (name)
                    {
                        case "delta":
                            sink.TryWrite(JsonSerializer.Deserialize(data, AgentOSJsonContext.Default.StreamDelta)!.Text);
                            break;
                        case "response":
                            return JsonSerializer.Deserialize(data, AgentOSJsonContext.Default.SyscallResponse)!;
                        case "error":
                            throw JsonSerializer.Deserialize(data, AgentOSJsonContext.Default.ErrorBody)!.Error.ToException();
                    }
                }
            }
            throw new BackendFailedException($"The kernel at {_http.BaseAddress} ended the stream without a response.");
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<Syscalls.Queries.ToolSpec>> ListToolsAsync(string agentId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agentId);
        string path = $"v1/tools?agent_id={Uri.EscapeDataString(agentId)}";
        HttpResponseMessage response;
        try
        {
            response = await _http.GetAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new BackendFailedException($"Cannot reach the kernel at {_http.BaseAddress}: {ex.Message}", ex);
        }
        using (response)
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw ErrorOf(response.StatusCode, bytes, path);
            }
            return (JsonSerializer.Deserialize(bytes, AgentOSJsonContext.Default.ToolList)
                ?? throw new BackendFailedException($"The kernel at {_http.BaseAddress} answered {path} with an empty body.")).Tools;
        }
    }

    /// <summary>Runs an agent registered in the remote kernel and returns its output.</summary>
    public async Task<string> RunAgentAsync(string name, string input, CancellationToken cancellationToken = default) =>
        (await PostAsync($"v1/agents/{Uri.EscapeDataString(name)}/run", new RunAgentRequest(input), AgentOSJsonContext.Default.RunAgentRequest,
            AgentOSJsonContext.Default.RunAgentResponse, cancellationToken).ConfigureAwait(false)).Output;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsClient)
        {
            _http.Dispose();
        }
    }

    private async Task<TResponse> PostAsync<TRequest, TResponse>(string path, TRequest body, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, requestType));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        HttpResponseMessage response;
        try
        {
            response = await _http.PostAsync(path, content, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new BackendFailedException($"Cannot reach the kernel at {_http.BaseAddress}: {ex.Message}", ex);
        }
        using (response)
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return JsonSerializer.Deserialize(bytes, responseType)
                    ?? throw new BackendFailedException($"The kernel at {_http.BaseAddress} answered {path} with an empty body.");
            }
            throw ErrorOf(response.StatusCode, bytes, path);
        }
    }

    private async Task<Exception> ErrorOf(HttpResponseMessage response, string path, CancellationToken cancellationToken) =>
        ErrorOf(response.StatusCode, await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false), path);

    // The typed exception an error body stands for.
    private Exception ErrorOf(System.Net.HttpStatusCode status, byte[] body, string path)
    {
        ErrorBody? error = null;
        try
        {
            error = JsonSerializer.Deserialize(body, AgentOSJsonContext.Default.ErrorBody);
        }
        catch (JsonException)
        {
        }
        return error?.Error.ToException()
            ?? new BackendFailedException($"The kernel at {_http.BaseAddress} answered {path} with HTTP {(int)status} and no error body.");
    }
}
