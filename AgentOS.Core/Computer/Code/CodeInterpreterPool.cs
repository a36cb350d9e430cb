using System.Collections.Concurrent;

namespace AgentOS.Computer.Code;

/// <summary>
/// The interpreters of <c>code.run</c>: one long-lived process per (session, language), started on first use through
/// the session's <see cref="ISessionHost.CreateStartInfo"/> so it runs in the session's sandbox, one call at a time.
/// The session manager calls <see cref="CloseSessionAsync"/> when it destroys a session; interpreters idle longer than
/// <see cref="CodeToolOptions.IdleTimeout"/> are stopped; disposing stops them all.
/// </summary>
public sealed partial class CodeInterpreterPool : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(string Session, string Language), Slot> _slots = new();
    private readonly CodeToolOptions _options;
    private readonly TimeProvider _time;
    private readonly ITimer _sweeper;
    private volatile bool _disposed;

    internal CodeInterpreterPool(CodeToolOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        var period = options.IdleTimeout / 4 > TimeSpan.FromSeconds(1) ? options.IdleTimeout / 4 : TimeSpan.FromSeconds(1);
        _sweeper = time.CreateTimer(_ => _ = SweepIdleAsync(), null, period, period);
    }

    /// <summary>How many interpreters are running.</summary>
    public int Count => _slots.Values.Count(s => s.Interpreter is not null);

    /// <summary>Stops the session's interpreters at once, even mid-call (that call reports the interpreter's end and
    /// does not restart it); a later call in a session of that id starts afresh.</summary>
    /// <param name="sessionId">The session being destroyed.</param>
    public async Task CloseSessionAsync(string sessionId)
    {
        foreach (var key in _slots.Keys.Where(k => k.Session == sessionId).ToList())
        {
            if (_slots.TryRemove(key, out var slot))
            {
                slot.Closed = true;
                slot.Interpreter?.Kill();
                await slot.Gate.WaitAsync().ConfigureAwait(false);
                try
                {
                    await StopAsync(slot).ConfigureAwait(false);
                }
                finally
                {
                    slot.Gate.Release();
                }
            }
        }
    }

    /// <summary>Stops every interpreter.</summary>
    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        await _sweeper.DisposeAsync().ConfigureAwait(false);
        foreach (var session in _slots.Keys.Select(k => k.Session).Distinct().ToList())
        {
            await CloseSessionAsync(session).ConfigureAwait(false);
        }
    }

    private async Task SweepIdleAsync()
    {
        long now = _time.GetTimestamp();
        foreach (var slot in _slots.Values)
        {
            if (slot.Interpreter is not null && _time.GetElapsedTime(slot.LastUsed, now) >= _options.IdleTimeout && slot.Gate.Wait(0))
            {
                try
                {
                    if (slot.Interpreter is not null)
                    {
                        slot.Note = $"The {slot.Language.Name} interpreter was stopped after {_options.IdleTimeout} idle";
                        await StopAsync(slot).ConfigureAwait(false);
                    }
                }
                finally
                {
                    slot.Gate.Release();
                }
            }
        }
    }

    private static async Task StopAsync(Slot slot)
    {
        if (slot.Interpreter is { } interpreter)
        {
            slot.Interpreter = null;
            await interpreter.StopAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The state of one (session, language): its interpreter, if running, and the gate its calls take.</summary>
    // The gate is never disposed: a SemaphoreSlim holds nothing unmanaged unless AvailableWaitHandle is used (it is
    // not), and disposing it while a call waits on it would fault that call.
#pragma warning disable CA1001
    private sealed class Slot(CodeLanguage language)
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public readonly CodeLanguage Language = language;
        public CodeInterpreter? Interpreter;
        public ISessionHost? Host;
        public long LastUsed;

        /// <summary>Set when its session was closed: the slot is out of the pool and must not start interpreters.</summary>
        public volatile bool Closed;

        /// <summary>Why the state was lost since the last call (said in the next call's result), or null.</summary>
        public string? Note;
    }
#pragma warning restore CA1001
}
