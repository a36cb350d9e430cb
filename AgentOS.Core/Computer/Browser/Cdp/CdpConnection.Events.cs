namespace AgentOS.Computer.Browser.Cdp;

public sealed partial class CdpConnection
{
    private readonly Lock _subscriptionsGate = new();

    // Copy-on-write: the reader iterates a snapshot without a lock while others subscribe and unsubscribe.
    private Subscription[] _subscriptions = [];

    /// <summary>
    /// Calls <paramref name="handler"/> for each event named <paramref name="method"/> (every event when null), from
    /// <paramref name="sessionId"/> only when given. Dispose the result to stop. The handler runs on the reader: it
    /// must return quickly and must not wait for a command's answer.
    /// </summary>
    public IDisposable Subscribe(string? method, Action<CdpEvent> handler, string? sessionId = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var subscription = new Subscription(this, method, sessionId, handler, null);
        Add(subscription);
        return subscription;
    }

    /// <summary>
    /// Waits for the next event named <paramref name="method"/> (from <paramref name="sessionId"/> when given) that
    /// <paramref name="match"/> accepts. The wait starts when this is called, so call it before the command that
    /// causes the event and await it after.
    /// </summary>
    /// <exception cref="CdpTimeoutException">No such event within <paramref name="timeout"/> (default <see cref="CommandTimeout"/>).</exception>
    /// <exception cref="CdpDisconnectedException">The connection or the session closed first.</exception>
    public Task<CdpEvent> WaitForEventAsync(string method, string? sessionId = null, Func<CdpEvent, bool>? match = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ThrowIfClosed();
        var arrived = new TaskCompletionSource<CdpEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscription = new Subscription(this, method, sessionId, e =>
        {
            if (match is null || match(e))
            {
                arrived.TrySetResult(e);
            }
        }, arrived);
        Add(subscription);
        if (Volatile.Read(ref _closeReason) is { } reason)
        {
            arrived.TrySetException(reason);
        }
        return AwaitAsync(arrived.Task, subscription, method, timeout ?? CommandTimeout, cancellationToken);
    }

    private async Task<CdpEvent> AwaitAsync(Task<CdpEvent> arrived, Subscription subscription, string method, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await arrived.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new CdpTimeoutException($"The event '{method}'", timeout);
        }
        finally
        {
            subscription.Dispose();
        }
    }

    private void Publish(CdpEvent received)
    {
        foreach (var subscription in Volatile.Read(ref _subscriptions))
        {
            if ((subscription.Method is null || subscription.Method == received.Method) && (subscription.SessionId is null || subscription.SessionId == received.SessionId))
            {
                try
                {
                    subscription.Handler(received);
                }
                catch (Exception e)
                {
                    throw new CdpDisconnectedException($"A handler of the event '{received.Method}' threw; the connection was closed so the failure is not lost.", e);
                }
            }
        }
    }

    private void FailSubscriptions(string? sessionId, CdpDisconnectedException reason)
    {
        foreach (var subscription in Volatile.Read(ref _subscriptions))
        {
            if (sessionId is null || subscription.SessionId == sessionId)
            {
                subscription.Waiter?.TrySetException(reason);
            }
        }
    }

    private void Add(Subscription subscription)
    {
        lock (_subscriptionsGate)
        {
            _subscriptions = [.. _subscriptions, subscription];
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (_subscriptionsGate)
        {
            _subscriptions = Array.FindAll(_subscriptions, s => !ReferenceEquals(s, subscription));
        }
    }

    private sealed class Subscription(CdpConnection owner, string? method, string? sessionId, Action<CdpEvent> handler, TaskCompletionSource<CdpEvent>? waiter) : IDisposable
    {
        public string? Method => method;

        public string? SessionId => sessionId;

        public Action<CdpEvent> Handler => handler;

        public TaskCompletionSource<CdpEvent>? Waiter => waiter;

        public void Dispose() => owner.Remove(this);
    }
}
