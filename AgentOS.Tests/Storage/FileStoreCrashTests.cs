using System.Globalization;
using AgentOS.Storage.Files;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Storage;

/// <summary>
/// Process crashes: a child process (<see cref="CrashWriter"/>) writes and prints each acknowledged write; the test
/// kills it with SIGKILL at a random moment, many times over the same store, and after each kill reopens the store and
/// checks that every write acknowledged so far is there, whole, and that nothing in the store is corrupt.
/// </summary>
public sealed class FileStoreCrashTests
{
    [Test(TimeoutSeconds = 600)]
    public async Task EveryAcknowledgedWriteSurvivesSigkill()
    {
        using var folder = new TempDirectory("agentos-crash");
        int rounds = TestEnvironment.Scale(6, 60);
        var random = new Random(21);
        var acked = new List<(string Key, int Version, int Writer, int Sequence)>();
        int killedMidWrite = 0;
        for (int run = 0; run < rounds; run++)
        {
            using (var child = ChildProcess.StartDotnet(typeof(CrashWriter).Assembly.Location, [CrashWriter.Command, folder.Path, run.ToString(CultureInfo.InvariantCulture)]))
            {
                await child.WaitForLineAsync(line => line == "ready", TimeSpan.FromSeconds(60));
                await Task.Delay(random.Next(30, 400));
                child.Kill();
                await child.WaitForExitAsync(TimeSpan.FromSeconds(30));
                int before = acked.Count;
                foreach (var line in child.StdoutLines)
                {
                    // The last line may be cut off by the kill: only whole lines count as acknowledged.
                    var parts = line.Split(' ');
                    if (parts is ["ack", var key, var version, var writer, var sequence]
                        && int.TryParse(version, CultureInfo.InvariantCulture, out int v)
                        && int.TryParse(writer, CultureInfo.InvariantCulture, out int w)
                        && int.TryParse(sequence, CultureInfo.InvariantCulture, out int s))
                    {
                        acked.Add((key, v, w, s));
                    }
                }
                Assert.True(child.StderrLines.Count == 0, $"the writer reported errors: {child.Stderr}");
                killedMidWrite += acked.Count > before ? 1 : 0;
            }
            await using var store = FileStore.Open(folder.Path, CrashWriter.Options);
            foreach (var (key, version, writer, sequence) in acked)
            {
                var value = await store.ReadAsync(key, version);
                Assert.True(value is not null, $"after kill {run + 1}: acknowledged write {writer}/{sequence} ({key} v{version}) is missing");
                Assert.Equal((writer, sequence), StorageContractTests.CheckStamp(value!.Value.Data.Span, $"{key} v{version}"), $"after kill {run + 1}: {key} v{version}");
            }
            foreach (var entry in await store.ListAsync(""))
            {
                foreach (var version in await store.VersionsAsync(entry.Path))
                {
                    StorageContractTests.CheckStamp(Assert.NotNull(await store.ReadAsync(entry.Path, version.Version)).Data.Span, $"after kill {run + 1}: {entry.Path} v{version.Version}");
                }
            }
        }
        Assert.True(killedMidWrite > 0, "at least one kill landed while the writer was acknowledging writes");
    }
}
