using System.Text.Json.Serialization;

namespace AgentOS.Computer.Network;

/// <summary>
/// The kernel's per-session network proxy (the config's <c>computer.network</c> section). Which destinations a session
/// may reach is the owning agent's grant (<see cref="Access.PrivilegeGroup.Network"/>); these are the proxy's own
/// limits, per session. Every key is optional.
/// </summary>
/// <example><code>
/// "network": { "max_connections": 32, "max_bytes": 1073741824, "connect_timeout": "00:00:10" }
/// </code></example>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class NetworkOptions
{
    /// <summary>Connections a session may hold open through the proxy at once; one more is refused (a
    /// <see cref="NetworkStage.LimitHit"/>). Default 32.</summary>
    public int MaxConnections { get; set; } = 32;

    /// <summary>Bytes a session may move through the proxy over its life, both directions; the connection that
    /// crosses it is cut and later ones are refused. Default 1 GiB.</summary>
    public long MaxBytes { get; set; } = 1L << 30;

    /// <summary>How long connecting to a destination may take. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a client may take to send its request's head (request line and headers). Default 10 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The port of the relay inside each sandbox: programs there use <c>http://127.0.0.1:{port}</c>
    /// (loopback of the session's own network namespace). Default 3128.</summary>
    public int SandboxPort { get; set; } = 3128;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        if (MaxConnections < 1 || MaxBytes < 1)
        {
            throw new ArgumentException("computer.network.max_connections and max_bytes must be at least 1.");
        }
        if (ConnectTimeout <= TimeSpan.Zero || RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("computer.network.connect_timeout and request_timeout must be positive.");
        }
        if (SandboxPort is < 1 or > 65535)
        {
            throw new ArgumentException($"computer.network.sandbox_port is {SandboxPort}: give a port from 1 to 65535.");
        }
    }
}
