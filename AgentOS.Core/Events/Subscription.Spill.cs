using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace AgentOS.Events;

/// <content>
/// <see cref="OverflowPolicy.SpillToFile"/>: overflow to a file, delivered later, exactly once, in order per publisher.
/// </content>
/// <remarks>
/// <para><b>Episodes.</b> A spill episode starts when a publisher finds the ring full: under <c>_spillLock</c> it sets
/// <c>_spillMode</c> and appends the event to the spill file. While the mode is set, every publisher appends (under
/// the lock) instead of using the ring. The drain ends the episode, under the lock, once it has delivered every
/// spilled event; publishers then use the ring again. Each frame carries a <b>barrier</b>: the ring's claim position
/// (<see cref="EventRing{T}.Tail"/>) read under the lock when the event was appended. The drain delivers every ring
/// item below a frame's barrier before the frame, and within an episode delivers ring items only up to barriers;
/// whatever the ring holds after the last frame comes after the episode.</para>
/// <para><b>Why that keeps each publisher's order.</b> Take a publisher's events a then b.</para>
/// <list type="bullet">
/// <item>a in the ring, b spilled: a's claim precedes b's append in the publisher's program order, so b's barrier is
/// above a's position and a is delivered first.</item>
/// <item>a spilled, b in the ring: after appending a the publisher reads the mode as set (it set it, or saw it set,
/// under the lock) until the drain ends the episode, which happens only after a is delivered. So b entered the ring
/// after a was delivered.</item>
/// <item>both spilled: the file is in lock order; both in the ring: the ring is FIFO.</item>
/// </list>
/// <para>A publisher that read the mode as clear just before another started an episode may still put its event in
/// the ring during the episode; it has no spilled event of its own in that episode (it would have seen the mode), so
/// delivering its event either before a later frame (if below that frame's barrier) or after the episode keeps its
/// order. Nothing is lost or doubled: every event is either claimed in the ring (taken exactly once) or appended
/// under the lock (read exactly once, the file being reset only when all its frames are read).</para>
/// <para><b>Hysteresis, by design.</b> While a backlog sits in the file, new events go behind it, through the file
/// too, even when the ring has room: "in order" leaves no other place for them. A subscriber slower than its
/// publishers therefore pays a serialization and a deserialization per event for the whole overload, and returns to
/// the ring once it has caught up.</para>
/// </remarks>
internal sealed partial class Subscription<TEvent>
{
    private readonly Lock _spillLock = new();
    private readonly RegisteredEventType<TEvent>? _spillType;
    private readonly string? _spillDirectory;

    private int _spillMode;        // 1 during an episode; written under the lock, read by publishers on every publish

    // Under _spillLock.
    private bool _spillClosed;
    private SpillFile? _spillFile;
    private long _spillWritten;    // frames appended this episode
    private long _spilled;         // frames appended ever (the Spilled counter)
    private long _episodes;        // episodes started ever
    private ArrayBufferWriter<byte>? _spillBuffer;
    private Utf8JsonWriter? _spillWriter;

    // The drain's.
    private long _spillRead;       // frames taken this episode (compared with _spillWritten under the lock)
    private bool _haveFrame;
    private long _frameBarrier;
    private TEvent _frameEvent = default!;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Spill(in TEvent e)
    {
        if (!TrySpill(in e, out var failure) && failure is not null)
        {
            ReportSpillFailure(failure);
        }
        Interlocked.MemoryBarrier(); // the append (or publish) before reading _scheduled: Dekker with the drain
        if (Volatile.Read(ref _scheduled) == 0)
        {
            Schedule();
        }
    }

    // Appends e to the spill file, or publishes it to the ring if no episode is under way and there is room again.
    // False when it could do neither: the subscription has ended (counted as discarded) or e could not be serialized
    // (counted as dropped; failure says why).
    [SuppressMessage("Design", "CA1031:Do not catch general exception types",
        Justification = "A publisher must not throw because one subscriber's event cannot be spilled: it is counted as dropped and reported.")]
    private bool TrySpill(in TEvent e, out Exception? failure)
    {
        failure = null;
        lock (_spillLock)
        {
            if (_spillClosed)
            {
                Interlocked.Increment(ref _discarded); // raced with the subscription's end
                return false;
            }
            if (_spillMode == 0)
            {
                if (_ring.TryPublish(in e))
                {
                    return true;
                }
                Volatile.Write(ref _spillMode, 1);
                Volatile.Write(ref _episodes, _episodes + 1);
            }
            try
            {
                var buffer = _spillBuffer ??= new ArrayBufferWriter<byte>(256);
                buffer.ResetWrittenCount();
                var writer = _spillWriter ??= new Utf8JsonWriter(buffer);
                writer.Reset(buffer);
                JsonSerializer.Serialize(writer, e, _spillType!.TypeInfo);
                writer.Flush();
                _spillFile ??= SpillFile.Create(_spillDirectory, Name);
                _spillFile.Append(_ring.Tail, buffer.WrittenSpan);
                _spillWritten++;
                Volatile.Write(ref _spilled, _spilled + 1);
                return true;
            }
            catch (Exception exception)
            {
                _dropped.Increment();
                failure = exception;
                return false;
            }
        }
    }

    /// <summary>How many spill episodes have started (for tests and diagnostics).</summary>
    internal long SpillEpisodes => Volatile.Read(ref _episodes);

    private bool TryNextInSpillOrder(out TEvent e)
    {
        while (true)
        {
            if (!_haveFrame)
            {
                if (Volatile.Read(ref _spillMode) == 0)
                {
                    return _ring.TakeOrWait(out e);
                }
                ReadNextFrame(); // a frame, or the end of the episode, or a skipped frame that could not be read
                continue;
            }
            if (_ring.Head < _frameBarrier)
            {
                bool taken = _ring.TakeOrWait(out e); // claimed below the barrier, so there
                Debug.Assert(taken, "positions below a barrier were claimed before it was read");
                return taken;
            }
            e = _frameEvent;
            _frameEvent = default!;
            _haveFrame = false;
            _spillRead++;
            return true;
        }
    }

    private void ReadNextFrame()
    {
        var file = Volatile.Read(ref _spillFile);
        if (file is not null && file.TryRead(out long barrier, out var payload))
        {
            Accept(barrier, payload);
            return;
        }
        lock (_spillLock)
        {
            if (_spillRead == _spillWritten)
            {
                // Every spilled event of this episode has been delivered: end it. Publishers see the mode clear and
                // use the ring again, behind everything spilled.
                _spillFile?.Reset();
                _spillRead = _spillWritten = 0;
                Volatile.Write(ref _spillMode, 0);
                return;
            }
            file = _spillFile!;
            file.FlushPending();
        }
        if (!file.TryRead(out barrier, out payload))
        {
            throw new InvalidOperationException(
                $"The spill file {file.Path} of subscription {Name} holds fewer events than were spilled; this is a bug in AgentOS.Events.");
        }
        Accept(barrier, payload);
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types",
        Justification = "An event that does not survive its JSON round trip is counted as dropped and reported; the rest of the file is still delivered.")]
    private void Accept(long barrier, ReadOnlySpan<byte> payload)
    {
        try
        {
            _frameEvent = _spillType!.Deserialize(payload);
            _frameBarrier = barrier;
            _haveFrame = true;
        }
        catch (Exception exception)
        {
            _spillRead++;
            _dropped.Increment();
            ReportSpillFailure(exception);
        }
    }

    private void ReportSpillFailure(Exception exception)
    {
        Volatile.Write(ref _lastFault, exception);
        _channel.Bus.ReportFault(this, exception);
    }

    /// <summary>Closes the spill path for good; returns how many spilled events were never delivered.</summary>
    private long CloseSpill()
    {
        if (_dropOldest)
        {
            return 0;
        }
        lock (_spillLock)
        {
            long undelivered = _spillClosed ? 0 : _spillWritten - _spillRead;
            _spillClosed = true;
            _spillFile?.Dispose();
            _spillFile = null;
            _spillWriter?.Dispose();
            _spillWriter = null;
            _spillWritten = _spillRead = 0;
            _haveFrame = false;
            _frameEvent = default!;
            Volatile.Write(ref _spillMode, 0);
            return undelivered;
        }
    }
}
