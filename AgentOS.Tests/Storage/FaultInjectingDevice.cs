using AgentOS.Storage.Files;

namespace AgentOS.Tests.Storage;

/// <summary>
/// An in-memory <see cref="IStorageDevice"/> that can "lose power": <see cref="PowerLoss"/> returns the device as a
/// machine would find it after a power cut — each file as of its last sync, plus perhaps a torn piece of what was
/// written after it, sometimes ending in garbage; files created or deleted since the last folder sync are as they were before. Every
/// operation takes one lock, so an image is a clean cut between operations.
/// </summary>
public sealed class FaultInjectingDevice : IStorageDevice
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, FileState> _files;
    private Dictionary<string, FileState> _durableEntries;
    private long _syncs;

    public FaultInjectingDevice()
        : this(new Dictionary<string, FileState>(StringComparer.Ordinal))
    {
    }

    private FaultInjectingDevice(Dictionary<string, FileState> files)
    {
        _files = files;
        _durableEntries = new(files, StringComparer.Ordinal);
    }

    public string Location => "memory";

    /// <summary>When set, every file sync from the one numbered this (counting from 0) on throws, as a failing disk's
    /// <c>fdatasync</c> does.</summary>
    public long? FailSyncsFrom { get; set; }

    /// <summary>File syncs so far.</summary>
    public long Syncs => Interlocked.Read(ref _syncs);

    public IReadOnlyList<string> ListFiles()
    {
        lock (_gate)
        {
            return [.. _files.Keys];
        }
    }

    public IDeviceFile OpenFile(string name)
    {
        lock (_gate)
        {
            if (!_files.TryGetValue(name, out var state))
            {
                _files[name] = state = new FileState();
            }
            return new Handle(this, state);
        }
    }

    public void DeleteFile(string name)
    {
        lock (_gate)
        {
            _files.Remove(name);
        }
    }

    public void SyncDirectory()
    {
        lock (_gate)
        {
            _durableEntries = new(_files, StringComparer.Ordinal);
        }
    }

    public void Dispose()
    {
    }

    /// <summary>What survives a power cut now: synced bytes, and with <paramref name="random"/>'s luck a torn piece
    /// of the unsynced tail (sometimes ending in garbage).</summary>
    public FaultInjectingDevice PowerLoss(Random random)
    {
        lock (_gate)
        {
            var survivors = new Dictionary<string, FileState>(StringComparer.Ordinal);
            foreach (var (name, state) in _durableEntries)
            {
                var bytes = state.Durable;
                int unsynced = state.Length - bytes.Length;
                if (unsynced > 0 && state.Current.AsSpan(0, bytes.Length).SequenceEqual(bytes) && random.Next(3) > 0)
                {
                    // Part of the unsynced append reached the disk: a prefix of it, sometimes with garbage in it.
                    int kept = random.Next(1, unsynced + 1);
                    var torn = new byte[bytes.Length + kept];
                    bytes.CopyTo(torn, 0);
                    state.Current.AsSpan(bytes.Length, kept).CopyTo(torn.AsSpan(bytes.Length));
                    if (random.Next(2) == 0)
                    {
                        // The sector being written when the power went: garbage from some byte of the piece's last
                        // 512 on. A torn append is intact up to its tear and has nothing intact after it.
                        int from = bytes.Length + random.Next(Math.Max(0, kept - 512), kept);
                        torn[from] ^= (byte)random.Next(1, 256);
                        random.NextBytes(torn.AsSpan(from + 1));
                    }
                    bytes = torn;
                }
                survivors[name] = new FileState(bytes);
            }
            return new FaultInjectingDevice(survivors);
        }
    }

    public sealed class FileState
    {
        public FileState(byte[]? content = null)
        {
            Current = content is null ? new byte[256] : (byte[])content.Clone();
            Length = content?.Length ?? 0;
            Durable = content ?? [];
        }

        public byte[] Current { get; set; }

        public int Length { get; set; }

        public byte[] Durable { get; set; }
    }

    private sealed class Handle(FaultInjectingDevice device, FileState state) : IDeviceFile
    {
        public long Length
        {
            get
            {
                lock (device._gate)
                {
                    return state.Length;
                }
            }
        }

        public void Write(long offset, ReadOnlySpan<byte> data)
        {
            lock (device._gate)
            {
                int end = checked((int)offset + data.Length);
                if (end > state.Current.Length)
                {
                    var grown = new byte[Math.Max(end, state.Current.Length * 2)];
                    state.Current.AsSpan(0, state.Length).CopyTo(grown);
                    state.Current = grown;
                }
                data.CopyTo(state.Current.AsSpan((int)offset));
                state.Length = Math.Max(state.Length, end);
            }
        }

        public int Read(long offset, Span<byte> buffer)
        {
            lock (device._gate)
            {
                int count = (int)Math.Clamp(state.Length - offset, 0, buffer.Length);
                state.Current.AsSpan((int)offset, count).CopyTo(buffer);
                return count;
            }
        }

        public void Sync()
        {
            lock (device._gate)
            {
                if (device.FailSyncsFrom is { } from && device._syncs >= from)
                {
                    throw new IOException("Injected sync failure.");
                }
                state.Durable = state.Current.AsSpan(0, state.Length).ToArray();
                device._syncs++;
            }
        }

        public void SetLength(long length)
        {
            lock (device._gate)
            {
                if (length > state.Current.Length)
                {
                    var grown = state.Current;
                    Array.Resize(ref grown, (int)length);
                    state.Current = grown;
                }
                else
                {
                    state.Current.AsSpan((int)length).Clear();
                }
                state.Length = (int)length;
            }
        }

        public void Dispose()
        {
        }
    }
}
