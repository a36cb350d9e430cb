using AgentOS.Storage;
using AgentOS.Storage.Files;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Storage;

/// <summary>
/// Damage to complete, synced records — one flipped bit in the middle of a segment, in a frame header, a key or a
/// value — must end in <see cref="StorageCorruptException"/>: never wrong data, never acknowledged records silently
/// dropped. Only a torn end of the log (nothing intact after the damage) may be cut off by recovery. Each case
/// flips a bit in a fresh copy of one closed store and reopens it: with the checkpoint deleted, so recovery replays
/// (and checks) every frame; or with the checkpoint kept, so only a read's value checksum stands between the flip and
/// the caller.
/// </summary>
public sealed class FileStoreChecksumTests : IDisposable
{
    private const int Keys = 48;
    private static readonly FileStoreOptions Options = new() { SegmentBytes = 1L << 30 };
    private readonly TempDirectory _pristine = new("agentos-crc");
    private readonly List<TempDirectory> _copies = [];

    public void Dispose()
    {
        foreach (var copy in _copies)
        {
            copy.Dispose();
        }
        _pristine.Dispose();
    }

    /// <summary>Where in a frame a bit is flipped.</summary>
    public enum Spot
    {
        FrameChecksum,
        FrameLength,
        OpCount,
        Key,
        Version,
        ValueLength,
        ValueChecksum,
        ValueStart,
        ValueMiddle,
        ValueEnd,
    }

    [Test]
    public async Task AFlippedBitInAnyPartOfAMiddleRecordRefusesTheReplay()
    {
        await WriteStoreAsync(_pristine.Path, options: Options);
        var frames = Frames(Segment(_pristine.Path, 1));
        Assert.Equal(Keys, frames.Count, "one frame per key");
        foreach (int frame in new[] { frames.Count / 4, frames.Count / 2, frames.Count * 3 / 4 })
        {
            foreach (var spot in Enum.GetValues<Spot>())
            {
                foreach (int bit in new[] { 0, 7 })
                {
                    string folder = Copy(withCheckpoint: false);
                    FlipBit(Segment(folder, 1), Position(frames[frame], spot), bit);
                    var error = await Assert.ThrowsAsync<StorageCorruptException>(
                        async () => await (await OpenAsync(folder)).DisposeAsync(),
                        $"frame {frame} of {frames.Count}, {spot}, bit {bit}: the store opened over a damaged complete record");
                    Assert.Contains("damaged record at offset " + frames[frame].Start, error.Message, $"{spot}, bit {bit}");
                    Assert.Contains("Restore the folder from a copy", error.Message);
                }
            }
        }
    }

    /// <summary>A sealed segment is never the crash's tear: any damage there refuses, wherever it is.</summary>
    [Test]
    public async Task AFlippedBitInASealedSegmentRefusesTheReplay()
    {
        var small = new FileStoreOptions { SegmentBytes = 4096 };
        await WriteStoreAsync(_pristine.Path, options: small);
        var frames = Frames(Segment(_pristine.Path, 1));
        Assert.True(File.Exists(Path.Combine(_pristine.Path, "segment-00000002.log")), "the writes filled more than one segment");
        foreach (var spot in new[] { Spot.FrameChecksum, Spot.ValueMiddle, Spot.ValueEnd })
        {
            string folder = Copy(withCheckpoint: false);
            FlipBit(Segment(folder, 1), Position(frames[^1], spot), 3);
            await Assert.ThrowsAsync<StorageCorruptException>(async () => await (await OpenAsync(folder, small)).DisposeAsync(), $"{spot} in the last frame of a sealed segment");
        }
    }

    /// <summary>
    /// With the checkpoint kept, recovery does not re-read the frames it covers: the value checksum on read is what
    /// catches a flipped value bit. The damaged version reads as a typed error; every other key still reads whole.
    /// </summary>
    [Test]
    public async Task AFlippedValueBitBehindACheckpointFailsItsReadAndOnlyIt()
    {
        var values = await WriteStoreAsync(_pristine.Path, options: Options);
        var frames = Frames(Segment(_pristine.Path, 1));
        foreach (int frame in new[] { 1, frames.Count / 2, frames.Count - 2 })
        {
            foreach (var spot in new[] { Spot.ValueStart, Spot.ValueMiddle, Spot.ValueEnd })
            {
                string folder = Copy(withCheckpoint: true);
                FlipBit(Segment(folder, 1), Position(frames[frame], spot), 5);
                await using var store = await OpenAsync(folder);
                string damaged = frames[frame].Key;
                var error = await Assert.ThrowsAsync<StorageCorruptException>(async () => await store.ReadAsync(damaged), $"frame {frame}, {spot}: a damaged value was returned");
                Assert.Contains("fails its checksum", error.Message);
                foreach (var (key, value) in values.Where(v => v.Key != damaged))
                {
                    Assert.SequenceEqual(value, Assert.NotNull(await store.ReadAsync(key)).Data.ToArray(), $"{key} after damage to {damaged}");
                }
            }
        }
    }

    /// <summary>The case recovery may cut: a torn end of the log (a partial frame, or one ending in garbage, with
    /// nothing intact after it). Every complete record before it survives.</summary>
    [Test]
    public async Task ATornEndOfTheLogIsCutAndEverythingBeforeItSurvives()
    {
        var values = await WriteStoreAsync(_pristine.Path, options: Options);
        long length = new FileInfo(Segment(_pristine.Path, 1)).Length;
        var tears = new (string Name, Action<string> Tear)[]
        {
            ("a partial frame", path => Append(path, File.ReadAllBytes(path).AsSpan(0, 40).ToArray())),
            ("a frame header claiming more than is there", path => Append(path, [1, 2, 3, 4, 200, 0, 0, 0, 1, 0])),
            ("garbage", path => Append(path, [.. Enumerable.Range(0, 300).Select(i => (byte)(i * 37 + 11))])),
            ("zeros", path => Append(path, new byte[4096])),
        };
        foreach (var (name, tear) in tears)
        {
            string folder = Copy(withCheckpoint: false);
            tear(Segment(folder, 1));
            await using (var store = await OpenAsync(folder))
            {
                foreach (var (key, value) in values)
                {
                    Assert.SequenceEqual(value, Assert.NotNull(await store.ReadAsync(key), $"{key} after {name}").Data.ToArray(), $"{key} after {name}");
                }
            }
            Assert.Equal(length, new FileInfo(Segment(folder, 1)).Length, $"{name} is cut off");
        }
    }

    // Each key written once, in its own commit (so its own frame), with a value of its own.
    private static async Task<List<(string Key, byte[] Value)>> WriteStoreAsync(string folder, FileStoreOptions options)
    {
        var values = new List<(string, byte[])>();
        await using var store = FileStore.Open(folder, options);
        for (int i = 0; i < Keys; i++)
        {
            var value = StorageContractTests.Stamp(1, i, 100 + i * 13);
            string key = $"key-{i:D3}";
            await store.WriteAsync(key, value);
            values.Add((key, value));
        }
        return values;
    }

    private static async Task<FileStore> OpenAsync(string folder, FileStoreOptions? options = null)
    {
        await Task.Yield();
        return FileStore.Open(folder, options ?? Options);
    }

    private string Copy(bool withCheckpoint)
    {
        var copy = new TempDirectory("agentos-crc");
        _copies.Add(copy);
        foreach (var file in Directory.GetFiles(_pristine.Path))
        {
            string name = Path.GetFileName(file);
            if (withCheckpoint || !name.StartsWith("checkpoint-", StringComparison.Ordinal))
            {
                File.Copy(file, Path.Combine(copy.Path, name));
            }
        }
        return copy.Path;
    }

    private static string Segment(string folder, int id) => Path.Combine(folder, $"segment-{id:D8}.log");

    private readonly record struct Frame(int Start, int Length, string Key, int KeyAt, int VersionAt, int ValueAt, int ValueLength);

    // Walks the segment with the store's own frame reader, past its versioned header; each frame here holds one put.
    private static List<Frame> Frames(string segment)
    {
        var data = File.ReadAllBytes(segment);
        var frames = new List<Frame>();
        for (int p = SegmentHeader.Size; p < data.Length;)
        {
            int length = LogRecord.CheckFrame(data.AsSpan(p));
            Assert.True(length > 0, $"the pristine segment is whole at offset {p}");
            var op = LogRecord.ReadOps(data.AsSpan(p, length)).Single();
            int keyAt = LogRecord.FrameHeader + 4 + 3;
            frames.Add(new Frame(p, length, op.Key, p + keyAt, p + keyAt + op.Key.Length, p + op.ValueOffset, op.ValueLength));
            p += length;
        }
        Assert.True(frames.Count > 4, $"a segment of many frames, found {frames.Count}");
        return frames;
    }

    private static int Position(Frame frame, Spot spot) => spot switch
    {
        Spot.FrameChecksum => frame.Start + 1,
        Spot.FrameLength => frame.Start + 4,
        Spot.OpCount => frame.Start + LogRecord.FrameHeader,
        Spot.Key => frame.KeyAt + 2,
        Spot.Version => frame.VersionAt,
        Spot.ValueLength => frame.VersionAt + 12,
        Spot.ValueChecksum => frame.VersionAt + 16,
        Spot.ValueStart => frame.ValueAt,
        Spot.ValueMiddle => frame.ValueAt + frame.ValueLength / 2,
        _ => frame.ValueAt + frame.ValueLength - 1,
    };

    private static void FlipBit(string path, int offset, int bit)
    {
        using var file = File.Open(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        int old = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(old ^ (1 << bit)));
    }

    private static void Append(string path, byte[] bytes)
    {
        using var file = File.Open(path, FileMode.Append, FileAccess.Write);
        file.Write(bytes);
    }
}
