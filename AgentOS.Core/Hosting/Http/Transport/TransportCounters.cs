namespace AgentOS.Hosting.Http.Transport;

/// <summary>A server's live connection counts (fields, so connections update them with <see cref="Interlocked"/>).</summary>
internal sealed class TransportCounters
{
    /// <summary>Connections open now.</summary>
    public int Open;

    /// <summary>Connections whose handler or reader waits for bytes from its client: a stalled client sits here.</summary>
    public int WaitingReceives;

    /// <summary>Requests being handled now (read, routed, answered).</summary>
    public int InFlight;
}
