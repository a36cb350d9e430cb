namespace AgentOS.Computer.Browser;

/// <summary>
/// Which addresses the browser tool opens: http and https (through the session's proxy and its allow-list) and
/// about:blank. Never file:// (the host's files), chrome:// and friends (the browser's own privileged pages),
/// javascript: or data: (a page made up by the caller, with an opaque origin), nor view-source:, blob:, filesystem:.
/// </summary>
internal static class UrlPolicy
{
    /// <summary>The refusal's message, or null when <paramref name="url"/> may be opened.</summary>
    public static string? Refusal(string url)
    {
        if (url == "about:blank")
        {
            return null;
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return $"'{url}' is not an absolute URL: give one that starts with http:// or https://.";
        }
        if (uri.Scheme is "http" or "https")
        {
            return null;
        }
        return $"The browser tool opens only http:// and https:// pages (and about:blank); '{uri.Scheme}:' URLs are refused (file:// would reach the host's files, chrome:// the browser's own pages).";
    }

    /// <summary>Whether a page the browser shows (after redirects and the page's own navigations) is allowed.</summary>
    public static bool Allowed(string url) =>
        url.Length == 0 || url == "about:blank" || url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
        || url.StartsWith("chrome-error://", StringComparison.Ordinal);
}
