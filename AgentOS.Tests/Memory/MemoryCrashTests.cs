using System.Globalization;
using AgentOS.Sdk;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Tests.Hosting;

namespace AgentOS.Tests.Memory;

/// <summary>
/// Memory survives SIGKILL: a real <c>serve</c> child takes adds, updates and removes from 32 concurrent writers over
/// HTTP (each writer its own agent), and is killed at a random moment, again and again on the same data folder. After
/// each restart every acknowledged change is there exactly (content, tags, and absence after a remove); a change that
/// was in flight at the kill may have happened or not, never half. Every id issued after a restart is above every id
/// acknowledged before it, so an old id never names new content.
/// </summary>
public sealed class MemoryCrashTests
{
    private const int Writers = 32;

    /// <summary>What one writer knows: its items' acknowledged content (tags are derived from it), and the change in
    /// flight when the kill came, whose outcome is open until the next check.</summary>
    private sealed class Writer(int index)
    {
        public string Agent { get; } = "mw" + index.ToString(CultureInfo.InvariantCulture);
        public Dictionary<string, string> Items { get; } = [];
        public (string Id, string? Content)? InFlight { get; set; }
        public int Sequence { get; set; }
        public List<long> Issued { get; } = [];
        public List<string> Removed { get; } = [];
    }

    [Test(TimeoutSeconds = 3600)]
    public async Task EveryAcknowledgedChangeSurvivesSigkillAndNoIdIsIssuedTwice()
    {
        using var temp = new TempDirectory("agentos-memory-crash");
        string data = temp.Combine("data");
        int kills = TestEnvironment.Scale(10, 100);
        var writers = Enumerable.Range(0, Writers).Select(i => new Writer(i)).ToArray();
        string agents = string.Join(',', writers.Select(w => w.Agent));
        var random = new Random(12);
        long highestAcknowledged = 0;
        long acknowledged = 0;
        long verified = 0;
        for (int run = 0; run <= kills; run++)
        {
            using var serve = await ServeProcess.StartAsync(data, "--agents", agents);
            using var port = serve.CreatePort();

            // After a restart: every acknowledged change is there exactly; an in-flight one happened or not.
            await Task.WhenAll(writers.Select(w => Task.Run(async () => Interlocked.Add(ref verified, await VerifyAsync(port, w, run)))));
            if (run == kills)
            {
                serve.Child.Kill();
                await serve.Child.WaitForExitAsync(TimeSpan.FromSeconds(30));
                break;
            }

            // Writers run until the kill; what each got back before it is acknowledged.
            long floor = highestAcknowledged;
            using var killing = new CancellationTokenSource();
            var running = writers.Select((w, i) => Task.Run(() => WriteUntilKilledAsync(port, w, new Random(random.Next()), run, killing.Token))).ToArray();
            await Task.Delay(random.Next(150, 900));
            await killing.CancelAsync();
            serve.Child.Kill();
            await serve.Child.WaitForExitAsync(TimeSpan.FromSeconds(30));
            foreach (long count in await Task.WhenAll(running))
            {
                acknowledged += count;
            }
            foreach (var writer in writers)
            {
                foreach (long id in writer.Issued)
                {
                    Assert.True(id > floor, $"run {run}: {writer.Agent} was given m{id}, but m{floor} was acknowledged before the restart: an id was issued twice");
                    highestAcknowledged = Math.Max(highestAcknowledged, id);
                }
                writer.Issued.Clear();
            }
        }
        Assert.True(acknowledged > 0 && verified > 0, "the writers got acknowledgements and the checks read them back");
        Console.WriteLine($"memory crash loop: {kills} SIGKILLs, {Writers} writers, {acknowledged} acknowledged changes, {verified} item checks, highest id m{highestAcknowledged}");
    }

    private static async Task<long> VerifyAsync(RemoteKernelPort port, Writer writer, int run)
    {
        long checks = 0;
        if (writer.InFlight is var (pendingId, pendingContent))
        {
            // The change in flight at the kill: either outcome, but whole. Settle the model on what happened.
            var now = await GetAsync(port, writer.Agent, pendingId);
            writer.Items.TryGetValue(pendingId, out string? before);
            Assert.True(now?.Content == before || now?.Content == pendingContent,
                $"after kill {run}: {writer.Agent}'s {pendingId} reads '{now?.Content}', neither its acknowledged '{before}' nor the in-flight '{pendingContent}'");
            if (now is null)
            {
                writer.Items.Remove(pendingId);
            }
            else
            {
                writer.Items[pendingId] = now.Content;
            }
            writer.InFlight = null;
        }
        foreach (var (id, content) in writer.Items)
        {
            var item = await GetAsync(port, writer.Agent, id);
            Assert.True(item is not null, $"after kill {run}: {writer.Agent}'s acknowledged {id} is missing");
            Assert.Equal(content, item!.Content, $"after kill {run}: {writer.Agent}'s {id}");
            Assert.SequenceEqual([Tag(content)], item.Tags, $"after kill {run}: {writer.Agent}'s {id}'s tags");
            checks++;
        }
        foreach (string removed in writer.Removed)
        {
            Assert.Null(await GetAsync(port, writer.Agent, removed), $"after kill {run}: {writer.Agent}'s {removed} was removed (acknowledged) and came back");
            checks++;
        }
        writer.Removed.Clear();
        return checks;
    }

    private static async Task<long> WriteUntilKilledAsync(RemoteKernelPort port, Writer writer, Random random, int run, CancellationToken killing)
    {
        long count = 0;
        while (true)
        {
            int action = writer.Items.Count < 4 ? 0 : writer.Items.Count > 40 ? 2 : random.Next(3);
            string content = $"{writer.Agent} run {run} change {writer.Sequence++} " + new string((char)('a' + random.Next(26)), random.Next(0, 300));
            string? target = action == 0 ? null : writer.Items.Keys.ElementAt(random.Next(writer.Items.Count));
            // Recorded before sending: if the kill comes before the answer, its outcome is open.
            writer.InFlight = target is null ? null : (target, action == 1 ? content : null);
            MemoryQuery query = action switch
            {
                0 => new() { Operation = MemoryOperation.Add, Content = content, Tags = [Tag(content)] },
                1 => new() { Operation = MemoryOperation.Update, Id = target, Content = content, Tags = [Tag(content)] },
                _ => new() { Operation = MemoryOperation.Remove, Id = target },
            };
            MemoryResponse response;
            try
            {
                response = (await port.SubmitAsync(new SyscallRequest { AgentId = writer.Agent, Memory = query }, CancellationToken.None)).Memory!;
            }
            catch (Exception ex) when (killing.IsCancellationRequested && ex is BackendFailedException or HttpRequestException or IOException)
            {
                return count; // the kill: this change is in flight
            }
            Assert.Equal(true, response.Durable, "a change acknowledged by default is durable");
            writer.InFlight = null;
            switch (action)
            {
                case 0:
                    writer.Items[response.Id!] = content;
                    writer.Issued.Add(long.Parse(response.Id!.AsSpan(1), CultureInfo.InvariantCulture));
                    break;
                case 1:
                    writer.Items[target!] = content;
                    break;
                default:
                    writer.Items.Remove(target!);
                    writer.Removed.Add(target!);
                    break;
            }
            count++;
        }
    }

    private static string Tag(string content) => "len" + content.Length.ToString(CultureInfo.InvariantCulture);

    private static async Task<MemoryItem?> GetAsync(RemoteKernelPort port, string agent, string id)
    {
        try
        {
            var response = await port.SubmitAsync(new SyscallRequest { AgentId = agent, Memory = new MemoryQuery { Operation = MemoryOperation.Get, Id = id } });
            return response.Memory!.Items.Single();
        }
        catch (InvalidRequestException ex) when (ex.Message.Contains("has no item", StringComparison.Ordinal))
        {
            return null;
        }
    }
}
