using System.Globalization;
using AgentOS.Storage;
using AgentOS.Storage.Files;

namespace AgentOS.Tests.Storage;

/// <summary>
/// The child process of <see cref="FileStoreCrashTests"/>: opens (and so recovers) the store, then writes and batches
/// from several tasks forever, printing <c>ack KEY VERSION WRITER SEQUENCE</c> for each write only after it was
/// acknowledged, until the test kills it.
/// </summary>
public static class CrashWriter
{
    public const string Command = "--storage-crash-writer";

    public static FileStoreOptions Options => new() { SegmentBytes = 64 * 1024, VersionsKept = 1_000_000, CompactionDeadRatio = 0.9 };

    public static async Task<int> RunAsync(string folder, int run)
    {
        await using var store = FileStore.Open(folder, Options);
        var output = Console.Out;
        output.WriteLine("ready");
        output.Flush();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            int writer = run * 16 + w;
            var random = new Random(writer);
            for (int s = 0; ; s++)
            {
                string key = "k" + random.Next(6).ToString(CultureInfo.InvariantCulture);
                var value = StorageContractTests.Stamp(writer, s, random.Next(12, 2000));
                if (s % 3 == 2)
                {
                    string other = "k" + random.Next(6).ToString(CultureInfo.InvariantCulture);
                    var entries = await store.CommitAsync(new StorageBatch().Write(key, value).Write(other, StorageContractTests.Stamp(writer, s, 30)));
                    Print(output, key, entries[0]!.Version, writer, s);
                    Print(output, other, entries[1]!.Version, writer, s);
                }
                else
                {
                    Print(output, key, (await store.WriteAsync(key, value)).Version, writer, s);
                }
            }
        })).ToList();
        await Task.WhenAll(writers);
        return 0;
    }

    private static void Print(TextWriter output, string key, int version, int writer, int sequence)
    {
        lock (output)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ack {key} {version} {writer} {sequence}"));
            output.Flush();
        }
    }
}
