namespace AgentOS.Events;

/// <summary>
/// Implemented by a subscriber that wants to know when its subscription has delivered everything queued and is
/// about to go idle (the event log flushes its file then). Internal: a hook for AgentOS's own subscribers.
/// </summary>
internal interface IDrainObserver
{
    /// <summary>Called on the delivering thread after the last queued event, before the drain goes idle.</summary>
    void OnDrained();
}
