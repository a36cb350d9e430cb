using System.Runtime.InteropServices;
using AgentOS.Interop;
using Microsoft.Win32.SafeHandles;

namespace AgentOS.Storage.Files;

/// <summary>
/// The real device: files in a folder, written and read with <see cref="RandomAccess"/> (positional, no shared file
/// position, so readers never contend with the appender) and synced with <c>fdatasync</c> on Linux (a full flush
/// elsewhere). Folder entries are synced with <c>fsync</c> on the folder on Linux; Windows and macOS journal them.
/// One device per folder at a time, across processes: two appenders would overwrite each other's acknowledged
/// records, so the device holds the folder's <see cref="LockFileName"/> exclusively until it is disposed.
/// </summary>
public sealed class FileSystemDevice : IStorageDevice
{
    /// <summary>The file a device holds locked (FileShare.None: an exclusive advisory lock on Unix) while it is open.</summary>
    public const string LockFileName = "LOCK";

    private readonly FileStream _lock;

    /// <summary>Uses (creating if needed) <paramref name="folder"/>.</summary>
    /// <exception cref="StorageUnavailableException">The folder cannot be created, or another device (in this or
    /// another process) has it open.</exception>
    public FileSystemDevice(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        Location = Path.GetFullPath(folder);
        try
        {
            Directory.CreateDirectory(Location);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageUnavailableException($"Cannot create the storage folder '{Location}': {ex.Message}. Choose a writable data directory.", ex);
        }
        try
        {
            _lock = new FileStream(Path.Combine(Location, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageUnavailableException($"The storage folder '{Location}' is already open in another store (its {LockFileName} file is locked): one store per folder. Stop the other kernel or give this one another data directory.", ex);
        }
    }

    /// <inheritdoc />
    public string Location { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> ListFiles() => [.. Directory.EnumerateFiles(Location).Select(f => Path.GetFileName(f))];

    /// <inheritdoc />
    public IDeviceFile OpenFile(string name) =>
        new DeviceFile(File.OpenHandle(Path.Combine(Location, name), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete));

    /// <inheritdoc />
    public void DeleteFile(string name) => File.Delete(Path.Combine(Location, name));

    /// <inheritdoc />
    public void SyncDirectory() => SyncDirectory(Location);

    /// <summary>Makes a folder's entries (created, renamed, deleted files) durable: <c>fsync</c> on the folder on
    /// Linux; Windows and macOS journal them.</summary>
    /// <exception cref="IOException">The folder cannot be opened or synced.</exception>
    internal static void SyncDirectory(string location)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        int fd = Libc.Open(location, Libc.OpenDirectoryFlags);
        if (fd < 0)
        {
            throw new IOException($"Cannot open the folder '{location}' to sync it (errno {Marshal.GetLastPInvokeError()}).");
        }
        try
        {
            if (Libc.FSync(fd) != 0)
            {
                throw new IOException($"fsync of the folder '{location}' failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            Libc.Close(fd);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _lock.Dispose();

    private sealed class DeviceFile(SafeFileHandle handle) : IDeviceFile
    {
        private FileStream? _flusher;

        public long Length => RandomAccess.GetLength(handle);

        public void Write(long offset, ReadOnlySpan<byte> data) => RandomAccess.Write(handle, data, offset);

        public int Read(long offset, Span<byte> buffer)
        {
            int total = 0;
            while (total < buffer.Length)
            {
                int read = RandomAccess.Read(handle, buffer[total..], offset + total);
                if (read == 0)
                {
                    break;
                }
                total += read;
            }
            return total;
        }

        public void Sync()
        {
            if (OperatingSystem.IsLinux())
            {
                if (Libc.FDataSync(handle.DangerousGetHandle()) != 0)
                {
                    throw new IOException($"fdatasync failed (errno {Marshal.GetLastPInvokeError()}).");
                }
                return;
            }
            (_flusher ??= new FileStream(handle, FileAccess.ReadWrite, bufferSize: 0)).Flush(flushToDisk: true);
        }

        public void SetLength(long length) => RandomAccess.SetLength(handle, length);

        public void Dispose()
        {
            _flusher?.Dispose();
            handle.Dispose();
        }
    }
}
