using System.Text.Json.Serialization;

namespace AgentOS.Mcp;

/// <summary>
/// The MCP server's settings (the kernel config's <c>mcp</c> section; every key optional).
/// </summary>
/// <example><code>
/// "mcp": { "session_idle_timeout": "00:30:00", "sampling_agents": { "planner": "alice" } }
/// </code></example>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class McpOptions
{
    /// <summary>A Streamable HTTP session that has had no request (and no open stream) this long ends, as if the client
    /// had deleted it: a request naming it then gets 404, and the client initializes anew. Default 30 minutes.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Whose MCP client's model serves an agent's generations on the <c>mcp-sampling</c> backend, by agent: the value
    /// names an identity, and a session that identity opened (or that acts as it) answers. An agent not named here is
    /// served by a session of its own identity (one that acts as the agent, or that the agent's own credential
    /// opened) — never by another agent's client.
    /// </summary>
    public IReadOnlyDictionary<string, string> SamplingAgents { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        if (SessionIdleTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"mcp.session_idle_timeout must be positive, not {SessionIdleTimeout}.");
        }
        if (SamplingAgents is null || SamplingAgents.Any(p => string.IsNullOrEmpty(p.Key) || string.IsNullOrEmpty(p.Value)))
        {
            throw new ArgumentException("mcp.sampling_agents maps agent ids to identities: neither may be empty.");
        }
    }
}
