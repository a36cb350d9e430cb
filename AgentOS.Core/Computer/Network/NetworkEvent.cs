namespace AgentOS.Computer.Network;

/// <summary>What the kernel's proxy did with one of a session's connections (event type <c>computer.network</c>).</summary>
public enum NetworkStage
{
    /// <summary>The destination is in the grant: the proxy connected to it.</summary>
    Allowed,

    /// <summary>The destination is not in the grant, resolves to an address the grant does not cover, is one of the
    /// kernel's own listeners, or the request was malformed.</summary>
    Refused,

    /// <summary>A proxy limit stopped a connection: too many at once, or the session's byte allowance is spent.</summary>
    LimitHit,

    /// <summary>An allowed connection ended (with the bytes it moved).</summary>
    Closed,
}

/// <summary>One of a session's proxied connections, on the kernel's event bus.</summary>
/// <param name="Session">The session's id.</param>
/// <param name="Agent">The agent it belongs to.</param>
/// <param name="Stage">What happened.</param>
/// <param name="At">When, on the kernel's clock.</param>
/// <param name="Method"><c>CONNECT</c>, or a plain HTTP request's method.</param>
/// <param name="Host">The host as the client named it (empty when the request could not be read).</param>
/// <param name="Port">The port asked for (0 when unknown).</param>
/// <param name="Address">The address connected to (allowed), or the one that was refused.</param>
/// <param name="Reason">Why it was refused, or which limit was hit.</param>
/// <param name="Bytes">Bytes moved, both directions (closed).</param>
public readonly record struct NetworkEvent(string Session, string Agent, NetworkStage Stage, DateTimeOffset At, string Method, string Host, int Port, string? Address = null, string? Reason = null, long? Bytes = null)
{
    /// <summary>The event type's name in logs.</summary>
    public const string TypeName = "computer.network";
}
