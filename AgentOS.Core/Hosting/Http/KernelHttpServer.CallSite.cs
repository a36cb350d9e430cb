using AgentOS.Hosting.Http.Transport;

namespace AgentOS.Hosting.Http;

// The call site of a proxied request. The kernel learns answer lengths per (agent, call site) for shortest-job-first
// scheduling; an agent behind the OpenAI endpoint names its call sites so that its short classification calls are not
// averaged with its long drafting ones. Taken from, first to last: the X-AgentOS-Call-Site header (set once on a
// client, it needs no change to the request bodies), the body's metadata "call_site", then the body's "user" field
// (OpenAI's end-user id, which frameworks already set per agent or per task).
public sealed partial class KernelHttpServer
{
    /// <summary>The header that names a request's call site on the OpenAI-compatible endpoint.</summary>
    public const string CallSiteHeader = "X-AgentOS-Call-Site";

    /// <summary>The key of OpenAI's request <c>metadata</c> that names a request's call site.</summary>
    public const string CallSiteMetadataKey = "call_site";

    // Call sites key the learned lengths: a bounded, printable name keeps a client from filling that table with junk.
    private const int MaxCallSiteLength = 128;

    private static string? CallSiteOf(HttpServerRequest request, Dictionary<string, string>? metadata, string? user)
    {
        string? named = request.Headers[CallSiteHeader] is { Length: > 0 } header ? header
            : metadata is not null && metadata.TryGetValue(CallSiteMetadataKey, out var value) && value.Length > 0 ? value
            : user is { Length: > 0 } ? user
            : null;
        if (named is not null && (named.Length > MaxCallSiteLength || named.Any(char.IsControl)))
        {
            throw new HttpError(400, "invalid_request", $"A call site (the {CallSiteHeader} header, metadata.{CallSiteMetadataKey} or user) must be at most {MaxCallSiteLength} printable characters.");
        }
        return named;
    }
}
