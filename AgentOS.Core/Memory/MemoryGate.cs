using AgentOS.Queues;

namespace AgentOS.Memory;

/// <summary>
/// The memory store's gate: exclusive holders (every operation that may touch more than one agent's memory, or that
/// awaits) take it one at a time, as the single store-wide lock did; shared holders are adds that touch only their
/// own agent's memory (serialized per agent by that agent's lock), and run beside each other on every core.
/// </summary>
/// <remarks>
/// <para><b>Protocol.</b> A shared holder increments a counter (a stripe chosen by the current processor, each on its
/// own cache line, so two cores entering at once never fight over one line), then reads the writer flag; if it is
/// set, it decrements and retreats (the caller takes the exclusive path instead, which queues behind the writer). An
/// exclusive holder takes the semaphore, sets the writer flag with a full fence, then waits until every stripe is
/// zero. Both sides write before they read, each write a full fence (Dekker): either the shared holder sees the flag,
/// or the writer sees its increment and waits for it, so a shared and an exclusive holder never overlap.</para>
/// <para>A shared holder decrements the stripe it incremented (the thread may have moved to another processor
/// meanwhile), so each stripe returns to zero by itself and no stripe ever goes negative. Shared holders never wait
/// inside and never await, so the writer's wait is a few hundred nanoseconds at most, spent spinning.</para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The semaphore's wait handle is never asked for, so it holds nothing to dispose; disposing it under a store still in use would turn late releases into exceptions.")]
internal sealed class MemoryGate
{
    private readonly SemaphoreSlim _exclusive = new(1, 1);
    private readonly PaddedSequence[] _readers = new PaddedSequence[StripeCount()];
    private PaddedSequence _writer;

    /// <summary>Enters shared, or returns false while an exclusive holder is in or entering.</summary>
    public bool TryEnterShared(out int stripe)
    {
        stripe = Thread.GetCurrentProcessorId() & (_readers.Length - 1);
        _readers[stripe].Increment();
        if (_writer.Value == 0)
        {
            return true;
        }
        _readers[stripe].Add(-1);
        return false;
    }

    public void ExitShared(int stripe) => _readers[stripe].Add(-1);

    public async ValueTask EnterAsync(CancellationToken cancellationToken = default)
    {
        await _exclusive.WaitAsync(cancellationToken).ConfigureAwait(false);
        Exclude();
    }

    public void Enter()
    {
        _exclusive.Wait();
        Exclude();
    }

    /// <summary>Enters exclusive if no other exclusive holder is in; waits only for shared holders to leave.</summary>
    public bool TryEnter(CancellationToken cancellationToken = default)
    {
        if (!_exclusive.Wait(0, cancellationToken))
        {
            return false;
        }
        Exclude();
        return true;
    }

    public void Exit()
    {
        _writer.Value = 0;
        _exclusive.Release();
    }

    private void Exclude()
    {
        _writer.Exchange(1);
        for (int i = 0; i < _readers.Length; i++)
        {
            var spin = new SpinWait();
            while (_readers[i].Value != 0)
            {
                spin.SpinOnce();
            }
        }
    }

    private static int StripeCount()
    {
        int count = 1;
        while (count < Environment.ProcessorCount && count < 64)
        {
            count <<= 1;
        }
        return count;
    }
}
