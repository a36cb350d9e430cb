using System.Text;
using AgentOS.Events;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Events;

/// <summary>The JSON-lines event log: a round trip through a file, and clear errors for bad lines.</summary>
public sealed class EventLogTests : IDisposable
{
    private readonly TempDirectory _folder = new("agentos-eventlog");

    public void Dispose() => _folder.Dispose();

    [Test(TimeoutSeconds = 120)]
    public async Task RoundTripOfTwoTypesReplaysExactly()
    {
        int count = TestEnvironment.Scale(5_000, 200_000);
        string path = _folder.Combine("events.jsonl");
        var bus = TestBus.Create();
        var pings = new List<Ping>();
        var pongs = new List<Pong>();
        await using (var log = EventLog.Create(bus, path, new EventLogOptions { Capacity = 64, SpillDirectory = _folder.Path }))
        {
            log.Include<Ping>().Include<Pong>();
            for (int i = 0; i < count; i++)
            {
                var ping = new Ping(i % 3, i, $"agent-{i % 3}");
                pings.Add(ping);
                bus.Publish(ping);
                if (i % 2 == 0)
                {
                    var pong = new Pong(i % 3, i, $"line {i}: \"quoted\", tab\t, newline\n, é", i * 0.25);
                    pongs.Add(pong);
                    bus.Publish(pong);
                }
            }
            bus.Publish(new Unregistered(1)); // not included: not logged
        }
        Assert.Equal((long)(pings.Count + pongs.Count) + 1, File.ReadLines(path).LongCount(), "the format line, then one line per event");
        Assert.Equal("{\"format\":\"agentos.events\",\"format_version\":1}", File.ReadLines(path).First());
        var firstLine = File.ReadLines(path).Skip(1).First();
        Assert.True(firstLine.StartsWith("{\"type\":\"tests.p", StringComparison.Ordinal), firstLine);

        var replayTypes = TestBus.Types();
        Assert.Equal((long)(pings.Count + pongs.Count), new EventLogReader(path, replayTypes).Validate());
        var replayBus = new EventBus(replayTypes);
        var replayedPings = new List<Ping>();
        var replayedPongs = new List<Pong>();
        var spill = new SubscriptionOptions { Overflow = OverflowPolicy.SpillToFile, Capacity = 64, SpillDirectory = _folder.Path };
        replayBus.Subscribe<Ping>(replayedPings.Add, spill);
        replayBus.Subscribe<Pong>(replayedPongs.Add, spill);
        long replayed = new EventLogReader(path, replayTypes).ReplayInto(replayBus);
        await replayBus.DisposeAsync();

        Assert.Equal((long)(pings.Count + pongs.Count), replayed);
        Assert.SequenceEqual(pings, replayedPings);
        Assert.SequenceEqual(pongs, replayedPongs);
    }

    [Test]
    public async Task AnIdleLogIsOnDiskBeforeItIsDisposed()
    {
        string path = _folder.Combine("idle.jsonl");
        var bus = TestBus.Create();
        await using var log = EventLog.Create(bus, path).Include<Ping>();
        bus.Publish(new Ping(0, 0, "agent-0"));
        // Waits (without a deadline of its own: the test's timeout bounds it) for the line to reach the file.
        while (new FileInfo(path).Length == 0)
        {
            Thread.Sleep(1);
        }
        Assert.Equal(1L, new EventLogReader(path, TestBus.Types()).Validate(), "the line is flushed once the log's subscription is idle");
        Assert.Equal(1L, log.Written);
    }

    [Test]
    public void MalformedLinesAreRejectedNamingTheLine()
    {
        var cases = new (string Line, string Says)[]
        {
            ("{\"type\":\"tests.ping\",\"data\":{", "not valid JSON"),
            ("not json at all", "not valid JSON"),
            ("[1, 2]", "not a JSON object"),
            ("{\"data\":{\"publisher\":1}}", "no \"type\""),
            ("{\"type\":7,\"data\":{}}", "not a string"),
            ("{\"type\":\"tests.ping\"}", "no \"data\""),
            ("{\"type\":\"tests.ping\",\"data\":\"text\"}", "not a valid 'tests.ping' event"),
            ("{\"type\":\"tests.pong\",\"data\":null}", "not a valid 'tests.pong' event"),
            ("{\"type\":\"tests.ping\",\"data\":{}} trailing", "not valid JSON"),
        };
        foreach (var (line, says) in cases)
        {
            string path = WriteLog("malformed.jsonl", Good(0), Good(1), line, Good(3));
            var bus = TestBus.Create();
            long received = 0;
            bus.Subscribe<Ping>(_ => Interlocked.Increment(ref received));
            var error = Assert.Throws<MalformedEventLineException>(() => new EventLogReader(path, TestBus.Types()).ReplayInto(bus), line);
            Assert.Equal(3L, error.LineNumber, line);
            Assert.Equal(path, error.Path);
            Assert.Contains($"{path}:3:", error.Message, line);
            Assert.Contains(says, error.Message, line);
            bus.Dispose();
            Assert.Equal(0L, Interlocked.Read(ref received), "nothing is published from a bad log");
        }
    }

    [Test]
    public void UnknownTypeIsRejectedNamingTheLine()
    {
        string path = WriteLog("unknown.jsonl", Good(0), "{\"type\":\"tests.nobody\",\"data\":{}}");
        var error = Assert.Throws<UnknownEventTypeException>(() => new EventLogReader(path, TestBus.Types()).Validate());
        Assert.Equal("tests.nobody", error.TypeName);
        Assert.Equal(2L, error.LineNumber);
        Assert.Contains($"{path}:2:", error.Message);
        Assert.Contains("Register", error.Message);
    }

    [Test]
    public void BlankLinesAreSkippedButCounted()
    {
        string path = WriteLog("blank.jsonl", Good(0), "", "   ", Good(3), "{\"type\":\"tests.ping\"}");
        Assert.Equal(5L, Assert.Throws<MalformedEventLineException>(() => new EventLogReader(path, TestBus.Types()).Validate()).LineNumber);
        path = WriteLog("blank-ok.jsonl", Good(0), "", Good(2) + "\r");
        Assert.Equal(2L, new EventLogReader(path, TestBus.Types()).Validate());
    }

    [Test]
    public void LongLinesAreRead()
    {
        var pong = new Pong(1, 2, new string('x', 200_000), 3);
        var types = TestBus.Types();
        string path = _folder.Combine("long.jsonl");
        var bus = new EventBus(types);
        using (var log = EventLog.Create(bus, path).Include<Pong>())
        {
            bus.Publish(pong);
        }
        var replayBus = new EventBus(types);
        Pong? replayed = null;
        var subscription = replayBus.Subscribe<Pong>(p => replayed = p);
        Assert.Equal(1L, new EventLogReader(path, types).ReplayInto(replayBus));
        subscription.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Assert.Equal(pong, replayed);
    }

    private static string Good(int sequence) =>
        $"{{\"type\":\"{TestBus.PingName}\",\"data\":{{\"publisher\":0,\"sequence\":{sequence},\"agent\":\"agent-0\"}}}}";

    private string WriteLog(string name, params string[] lines)
    {
        string path = _folder.Combine(name);
        File.WriteAllText(path, string.Join('\n', lines) + "\n", new UTF8Encoding(false));
        return path;
    }
}
