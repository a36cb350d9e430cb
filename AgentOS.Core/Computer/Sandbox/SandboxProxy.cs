namespace AgentOS.Computer.Sandbox;

/// <summary>
/// How a session's processes reach the kernel's proxy: the URL they use, and for a sandbox with its own network
/// namespace the host's Unix socket bound into it and the loopback port its relay listens on.
/// </summary>
/// <param name="Url">The proxy as the session's processes see it, e.g. <c>http://127.0.0.1:3128</c>.</param>
/// <param name="HostSocketPath">The proxy's Unix socket on the host, bound into the sandbox (null when the session
/// shares the host's network namespace and reaches the proxy on a loopback port).</param>
/// <param name="SandboxPort">The port the relay inside the sandbox listens on (with <paramref name="HostSocketPath"/>).</param>
public sealed record SandboxProxy(string Url, string? HostSocketPath, int SandboxPort)
{
    /// <summary>The variables that point curl, pip, Python, Node's fetch-alikes and most HTTP clients at the proxy.</summary>
    public IEnumerable<(string Name, string Value)> Environment()
    {
        foreach (var name in new[] { "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy" })
        {
            yield return (name, Url);
        }
    }
}
