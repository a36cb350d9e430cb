using System.Buffers.Binary;
using AgentOS.Storage;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Storage;

/// <content>Many readers and writers at once.</content>
public abstract partial class StorageContractTests
{
    // A self-checking value: writer, sequence, length, then a pattern derived from them. A reader that ever sees a
    // value mixing two writes, or cut short, finds a mismatch.
    protected static byte[] Stamp(int writer, int sequence, int length)
    {
        var value = new byte[Math.Max(length, 12)];
        BinaryPrimitives.WriteInt32LittleEndian(value, writer);
        BinaryPrimitives.WriteInt32LittleEndian(value.AsSpan(4), sequence);
        BinaryPrimitives.WriteInt32LittleEndian(value.AsSpan(8), value.Length);
        for (int i = 12; i < value.Length; i++)
        {
            value[i] = (byte)(writer * 31 + sequence * 7 + i);
        }
        return value;
    }

    protected static (int Writer, int Sequence) CheckStamp(ReadOnlySpan<byte> value, string where)
    {
        if (value.Length < 12 || BinaryPrimitives.ReadInt32LittleEndian(value[8..]) != value.Length)
        {
            Assert.Fail($"{where}: a value of {value.Length} bytes is cut short or mixed");
        }
        int writer = BinaryPrimitives.ReadInt32LittleEndian(value);
        int sequence = BinaryPrimitives.ReadInt32LittleEndian(value[4..]);
        for (int i = 12; i < value.Length; i++)
        {
            if (value[i] != (byte)(writer * 31 + sequence * 7 + i))
            {
                Assert.Fail($"{where}: byte {i} of writer {writer}'s write {sequence} is wrong: a half-written or mixed value");
            }
        }
        return (writer, sequence);
    }

    [Test(TimeoutSeconds = 120)]
    public async Task ManyWritersAndReadersNeverSeeAHalfWrittenValue()
    {
        int writers = 8, writes = TestEnvironment.Scale(40, 400), keys = 4;
        var store = Open(versionsKept: 10_000);
        using var stop = new CancellationTokenSource();
        long reads = 0;
        var readers = Enumerable.Range(0, 4).Select(r => Task.Run(async () =>
        {
            var random = new Random(r);
            while (!stop.IsCancellationRequested)
            {
                string key = "shared/" + random.Next(keys);
                if (await Store.ReadAsync(key) is { } value)
                {
                    CheckStamp(value.Data.Span, $"{key} v{value.Entry.Version}");
                    Assert.Equal((long)value.Data.Length, value.Entry.Size);
                    Interlocked.Increment(ref reads);
                }
                foreach (var entry in await Store.ListAsync("shared/"))
                {
                    Assert.True(entry.Version >= 1, "listed versions are real");
                }
            }
        })).ToList();
        var writing = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var random = new Random(100 + w);
            var mine = new List<(string Key, int Version, int Sequence)>();
            for (int s = 0; s < writes; s++)
            {
                string key = "shared/" + random.Next(keys);
                var value = Stamp(w, s, random.Next(12, 3000));
                StorageEntry entry;
                if (s % 5 == 4)
                {
                    entry = (await Store.CommitAsync(new StorageBatch().Write(key, value)))[0]!;
                }
                else
                {
                    entry = await Store.WriteAsync(key, value);
                }
                mine.Add((key, entry.Version, s));
            }
            return mine;
        })).ToList();
        var acknowledged = (await Task.WhenAll(writing)).SelectMany(m => m).ToList();
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        // Every acknowledged write is there, at its version, whole; versions of a key are distinct and consecutive.
        foreach (var group in acknowledged.GroupBy(a => a.Key))
        {
            var versions = group.Select(a => a.Version).Order().ToList();
            Assert.SequenceEqual(Enumerable.Range(1, versions.Count), versions, $"{group.Key}'s versions");
        }
        foreach (var (key, version, sequence) in acknowledged)
        {
            var value = Assert.NotNull(await Store.ReadAsync(key, version));
            Assert.Equal(sequence, CheckStamp(value.Data.Span, key).Sequence);
        }
        Assert.True(Interlocked.Read(ref reads) > 0, "the readers read something");
    }

    [Test(TimeoutSeconds = 120)]
    public async Task ReadersNeverSeeHalfABatch()
    {
        var store = Open(versionsKept: 1000);
        int rounds = TestEnvironment.Scale(60, 600);
        await store.CommitAsync(new StorageBatch().Write("pair/a", BitConverter.GetBytes(0)).Write("pair/b", BitConverter.GetBytes(0)));
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            long checks = 0;
            while (!stop.IsCancellationRequested)
            {
                // b is committed together with a, so b read after a is never older than a.
                int a = BitConverter.ToInt32(Assert.NotNull(await Store.ReadAsync("pair/a")).Data.Span);
                int b = BitConverter.ToInt32(Assert.NotNull(await Store.ReadAsync("pair/b")).Data.Span);
                Assert.True(b >= a, $"read a={a} then b={b}: saw half of batch {a}");
                checks++;
            }
            return checks;
        });
        for (int i = 1; i <= rounds; i++)
        {
            await store.CommitAsync(new StorageBatch().Write("pair/a", BitConverter.GetBytes(i)).Write("pair/b", BitConverter.GetBytes(i)));
        }
        await stop.CancelAsync();
        Assert.True(await reader > 0, "the reader checked something");
        Assert.Equal(rounds + 1, (await store.StatAsync("pair/b"))!.Version);
    }
}
