using System.Collections.Concurrent;
using AgentOS.Queues;

namespace AgentOS.Threading;

public sealed partial class PinnedThreadPool
{
    /// <summary>A queued item: an <see cref="IPinnedWorkItem"/>, or a callback with its state. Stored inline in the inbox.</summary>
    private readonly struct WorkItem(object work, object? state)
    {
        private readonly object _work = work;
        private readonly object? _state = state;

        public void Execute()
        {
            if (_work is IPinnedWorkItem item)
            {
                item.Execute();
            }
            else
            {
                ((Action<object?>)_work)(_state);
            }
        }
    }

    /// <summary>One worker: its inbox, its parker, and the loop its thread runs.</summary>
    private sealed class Worker(PinnedThreadPool pool, int index)
    {
        // Many producers, this worker the only consumer: an unbounded ConcurrentQueue, since Enqueue must never fail
        // or block. The worker sleeps through the kernel's spin-then-park wait strategy (Queues/), whose Dekker
        // protocol loses no wake-up: enqueuers make the inbox non-empty, then call Wake.
        public readonly ConcurrentQueue<WorkItem> Inbox = new();
        public readonly SpinThenParkWaitStrategy Waiter = new();
        private Func<bool>? _ready;
        public readonly TaskCompletionSource Exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly PinnedThreadPool Pool = pool;

        // Written only by this worker's thread, read by anyone: plain increments published with Volatile.Write.
        public long Completed;
        public long Failed;

        public void Run(PinnedThread thread)
        {
            t_pool = Pool;
            try
            {
                Loop(thread);
            }
            finally
            {
                // Stopped without draining: what is left was accepted (no Enqueue is in flight once a stop mode is
                // set) and will never run, so count it.
                int dropped = 0;
                while (Inbox.TryDequeue(out _))
                {
                    dropped++;
                }
                Interlocked.Add(ref Pool._dropped, dropped);
                Exited.TrySetResult();
            }
        }

        private void Loop(PinnedThread thread)
        {
            while (true)
            {
                // The mode is read before the inbox: Drain is set only after every Enqueue has finished (see
                // BeginShutdown), so an inbox found empty after reading Drain stays empty.
                int mode = Volatile.Read(ref Pool._stopMode);
                if (mode == StopCancel)
                {
                    return;
                }
                if (Inbox.TryDequeue(out var item))
                {
                    Execute(thread, item);
                    continue;
                }
                if (mode == StopDrain)
                {
                    return;
                }
                Waiter.WaitUntil(_ready ??= () => !Inbox.IsEmpty || Volatile.Read(ref Pool._stopMode) != Running);
            }
        }

        private void Execute(PinnedThread thread, in WorkItem item)
        {
            try
            {
                item.Execute();
                Volatile.Write(ref Completed, Completed + 1);
            }
            catch (Exception ex)
            {
                Volatile.Write(ref Failed, Failed + 1);
                Pool.ReportFailure(index, thread.Name, ex);
            }
        }
    }
}
