using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace AgentOS.Events;

/// <summary>
/// A <see cref="OverflowPolicy.SpillToFile"/> subscription's overflow file: frames of
/// <c>[int32 payload length][int64 barrier][payload]</c> (little-endian), appended by publishers and read back, in
/// order, by the subscription's drain.
/// </summary>
/// <remarks>
/// <para>Publishers append under the subscription's spill lock into a memory buffer that goes to the file when it
/// fills or when the reader has caught up with the file (<see cref="FlushPending"/>, also under the lock), so a burst
/// of spills costs one write system call per buffer, not per event. The reader reads the file with positional reads
/// up to <c>_fileLength</c>, which is published (release) after the bytes are written, so it never reads a frame that
/// is only partly written. When the reader has read everything, the owner calls <see cref="Reset"/> (under the lock)
/// and both ends start again at offset 0: the file is reused, never truncated, and deleted on close.</para>
/// <para>The barrier is the subscription ring's claim position when the event was spilled: the drain delivers every
/// ring item below it before the spilled event (see <see cref="Subscription{TEvent}"/>).</para>
/// </remarks>
internal sealed class SpillFile : IDisposable
{
    private const int HeaderSize = sizeof(int) + sizeof(long);
    private const int BufferSize = 64 * 1024;

    private readonly SafeFileHandle _handle;

    // Publishers' side, under the owner's lock.
    private byte[] _writeBuffer = new byte[BufferSize];
    private int _writeCount;
    private long _fileLength; // bytes in the file; written under the lock, read (acquire) by the reader

    // The reader's side (the drain).
    private byte[] _readBuffer = new byte[BufferSize];
    private int _readStart;
    private int _readEnd;
    private long _readOffset; // the file offset of _readBuffer[_readEnd]

    private SpillFile(string path, SafeFileHandle handle)
    {
        Path = path;
        _handle = handle;
    }

    public string Path { get; }

    /// <summary>Creates a fresh spill file in <paramref name="directory"/> (the system temp folder when
    /// <see langword="null"/>), deleted when closed.</summary>
    public static SpillFile Create(string? directory, string subscriptionName)
    {
        directory ??= System.IO.Path.GetTempPath();
        Directory.CreateDirectory(directory);
        string safeName = string.Concat(subscriptionName.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_'));
        string path = System.IO.Path.Combine(directory, $"agentos-spill-{Environment.ProcessId}-{safeName}-{Guid.NewGuid():N}.bin");
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
        return new SpillFile(path, handle);
    }

    /// <summary>Appends one frame. Under the owner's lock.</summary>
    public void Append(long barrier, ReadOnlySpan<byte> payload)
    {
        int frame = HeaderSize + payload.Length;
        if (_writeCount + frame > _writeBuffer.Length)
        {
            FlushPending();
            if (frame > _writeBuffer.Length)
            {
                _writeBuffer = new byte[frame];
            }
        }
        var destination = _writeBuffer.AsSpan(_writeCount, frame);
        BinaryPrimitives.WriteInt32LittleEndian(destination, payload.Length);
        BinaryPrimitives.WriteInt64LittleEndian(destination[sizeof(int)..], barrier);
        payload.CopyTo(destination[HeaderSize..]);
        _writeCount += frame;
    }

    /// <summary>Writes buffered frames to the file. Under the owner's lock.</summary>
    public void FlushPending()
    {
        if (_writeCount == 0)
        {
            return;
        }
        RandomAccess.Write(_handle, _writeBuffer.AsSpan(0, _writeCount), _fileLength);
        Volatile.Write(ref _fileLength, _fileLength + _writeCount);
        _writeCount = 0;
    }

    /// <summary>Reads the next frame that is in the file (not one still buffered by publishers). Reader only; the
    /// payload is valid until the next call.</summary>
    public bool TryRead(out long barrier, out ReadOnlySpan<byte> payload)
    {
        if (!HasFrame(out int payloadLength))
        {
            Fill(payloadLength);
            if (!HasFrame(out payloadLength))
            {
                barrier = 0;
                payload = default;
                return false;
            }
        }
        var frame = _readBuffer.AsSpan(_readStart, HeaderSize + payloadLength);
        barrier = BinaryPrimitives.ReadInt64LittleEndian(frame[sizeof(int)..]);
        payload = frame[HeaderSize..];
        _readStart += frame.Length;
        return true;
    }

    /// <summary>Starts both ends again at offset 0. Under the owner's lock, once the reader has read every frame.</summary>
    public void Reset()
    {
        _writeCount = 0;
        Volatile.Write(ref _fileLength, 0);
        _readStart = _readEnd = 0;
        _readOffset = 0;
    }

    public void Dispose() => _handle.Dispose();

    // A complete frame is buffered; otherwise payloadLength is the pending frame's length (or -1 if its header is
    // not complete either), so Fill can make room for it.
    private bool HasFrame(out int payloadLength)
    {
        int available = _readEnd - _readStart;
        if (available < HeaderSize)
        {
            payloadLength = -1;
            return false;
        }
        payloadLength = BinaryPrimitives.ReadInt32LittleEndian(_readBuffer.AsSpan(_readStart));
        return available >= HeaderSize + payloadLength;
    }

    private void Fill(int pendingPayloadLength)
    {
        long fileLength = Volatile.Read(ref _fileLength);
        if (fileLength <= _readOffset)
        {
            return;
        }
        int buffered = _readEnd - _readStart;
        int needed = pendingPayloadLength < 0 ? HeaderSize : HeaderSize + pendingPayloadLength;
        if (needed > _readBuffer.Length)
        {
            var larger = new byte[needed];
            _readBuffer.AsSpan(_readStart, buffered).CopyTo(larger);
            _readBuffer = larger;
        }
        else
        {
            _readBuffer.AsSpan(_readStart, buffered).CopyTo(_readBuffer);
        }
        _readStart = 0;
        _readEnd = buffered;
        int toRead = (int)Math.Min(_readBuffer.Length - buffered, fileLength - _readOffset);
        while (toRead > 0)
        {
            int read = RandomAccess.Read(_handle, _readBuffer.AsSpan(_readEnd, toRead), _readOffset);
            if (read <= 0)
            {
                throw new IOException($"The spill file {Path} ended early: {fileLength - _readOffset} bytes were expected at offset {_readOffset}.");
            }
            _readEnd += read;
            _readOffset += read;
            toRead -= read;
        }
    }
}
