using System.Net.Http.Headers;

namespace AgentOS.Storage.S3;

/// <content>Addressing, signing and sending one request; turning failures into storage errors.</content>
internal sealed partial class S3Client
{
    /// <summary>Signs and sends a request for <paramref name="key"/> (<see langword="null"/>: the bucket itself).</summary>
    private async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string? key, IReadOnlyList<KeyValuePair<string, string>> query, ReadOnlyMemory<byte>? body,
        IReadOnlyList<KeyValuePair<string, string>> extraHeaders, CancellationToken cancellationToken)
    {
        var endpoint = _options.Endpoint;
        string host = _options.PathStyle ? endpoint.Host : Bucket + "." + endpoint.Host;
        string authority = endpoint.IsDefaultPort ? host : host + ":" + endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string path = _options.PathStyle
            ? "/" + Bucket + (key is null ? "" : "/" + key)
            : "/" + (key ?? "");
        // The wire form is the canonical form: the path encoded once, the query sorted and encoded, so what the
        // server reconstructs from the request line is exactly what was signed.
        string canonicalQuery = SigV4Signer.CanonicalQuery(query);
        var uri = new Uri($"{endpoint.Scheme}://{authority}{SigV4Encoding.Encode(path, keepSlash: true)}{(canonicalQuery.Length > 0 ? "?" + canonicalQuery : "")}");

        string payloadHash = body is { } b ? SigV4Signer.Sha256Hex(b.Span) : SigV4Signer.EmptyPayloadHash;
        var now = _clock.GetUtcNow();
        var headers = new List<KeyValuePair<string, string>>(4 + extraHeaders.Count)
        {
            new("host", authority),
            new("x-amz-content-sha256", payloadHash),
            new("x-amz-date", SigV4Signer.AmzDate(now)),
        };
        headers.AddRange(extraHeaders);
        var signature = _signer.Sign(method.Method, path, query, headers, payloadHash, now);

        var request = new HttpRequestMessage(method, uri);
        request.Headers.Host = authority;
        foreach (var (name, value) in headers.Skip(1))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        request.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);
        if (body is { } content)
        {
            request.Content = new ReadOnlyMemoryContent(content);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        }
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new StorageUnavailableException($"The S3 endpoint {endpoint} cannot be reached ({ex.Message}). Check that the server runs and the endpoint in the S3 storage configuration is right.", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new StorageFailedException($"{method} {uri} took longer than {_options.RequestTimeout.TotalSeconds:0} s; the change was not acknowledged. Retry, or raise the request timeout.", ex);
        }
        finally
        {
            request.Dispose();
        }
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string doing, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var body = response.RequestMessage?.Method == HttpMethod.Head ? "" : await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var (code, message) = S3Error.Parse(response.StatusCode, body);
        throw S3Error.ToStorageException(response.StatusCode, code, message, doing, Bucket);
    }

    private static async Task<bool> IsNoSuchKeyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var (code, _) = S3Error.Parse(response.StatusCode, body);
        // Buffered (ResponseContentRead), so EnsureSuccessAsync can read the body again for the error message.
        return code is "NoSuchKey" or "404";
    }
}
