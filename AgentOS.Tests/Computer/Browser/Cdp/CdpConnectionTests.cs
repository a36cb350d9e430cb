using System.Text.Json.Nodes;
using AgentOS.Computer.Browser.Cdp;
using AgentOS.Tests.Framework;
using AgentOS.Time;

namespace AgentOS.Tests.Computer.Browser.Cdp;

/// <summary>The DevTools client's protocol behaviour against a scripted browser: ids, answers out of order, typed
/// errors, events and sessions, framing, timeouts on virtual time, and what a closed pipe does to waiting callers.</summary>
public sealed class CdpConnectionTests
{
    [Test]
    public async Task CommandsCarryIdsParamsAndSessionsAndAnswersAreMatchedByIdOutOfOrder()
    {
        await using var browser = new FakeBrowser();
        var first = browser.Connection.SendAsync("Page.navigate", new JsonObject { ["url"] = "http://a/" }, "S1");
        var firstWire = await browser.NextCommandAsync();
        var second = browser.Connection.SendAsync("Browser.getVersion");
        var secondWire = await browser.NextCommandAsync();

        Assert.Equal("Page.navigate", firstWire.GetProperty("method").GetString());
        Assert.Equal("http://a/", firstWire.GetProperty("params").GetProperty("url").GetString());
        Assert.Equal("S1", firstWire.GetProperty("sessionId").GetString());
        Assert.False(secondWire.TryGetProperty("sessionId", out _), "a browser-level command names no session");
        Assert.False(secondWire.TryGetProperty("params", out _), "a command without parameters sends none");
        var firstId = firstWire.GetProperty("id").GetInt64();
        var secondId = secondWire.GetProperty("id").GetInt64();
        Assert.NotEqual(firstId, secondId);

        await browser.SendAsync("{\"id\":" + secondId + ",\"result\":{\"product\":\"Fake/1\"}}");
        await browser.SendAsync("{\"id\":" + firstId + ",\"sessionId\":\"S1\",\"result\":{\"frameId\":\"F\"}}");
        Assert.Equal("Fake/1", (await second).GetProperty("product").GetString());
        Assert.Equal("F", (await first).GetProperty("frameId").GetString());
    }

    [Test]
    public async Task AnErrorAnswerIsATypedExceptionNamingTheMethodAndCode()
    {
        await using var browser = new FakeBrowser();
        var call = browser.Connection.SendAsync("Nope.method");
        var wire = await browser.NextCommandAsync();
        await browser.SendAsync("{\"id\":" + wire.GetProperty("id").GetInt64() + ",\"error\":{\"code\":-32601,\"message\":\"'Nope.method' wasn't found\"}}");

        var error = await Assert.ThrowsAsync<CdpProtocolException>(() => call);
        Assert.Equal(-32601, error.Code);
        Assert.Equal("Nope.method", error.Method);
        Assert.Equal("'Nope.method' wasn't found", error.BrowserMessage);
        Assert.True(browser.Connection.IsConnected, "an error answer leaves the connection open");
    }

    [Test]
    public async Task AnEmptyResultIsAnEmptyObject()
    {
        await using var browser = new FakeBrowser();
        var call = browser.Connection.SendAsync("Page.enable");
        var wire = await browser.NextCommandAsync();
        await browser.SendAsync("{\"id\":" + wire.GetProperty("id").GetInt64() + ",\"result\":{}}");
        Assert.Equal(0, (await call).EnumerateObject().Count());
    }

    [Test]
    public async Task EventsReachSubscribersByMethodAndSessionAndWaitsSeeOnlyMatchingEvents()
    {
        await using var browser = new FakeBrowser();
        var all = new List<string>();
        var inS1 = new List<string>();
        using var everything = browser.Connection.Subscribe(null, e => { lock (all) { all.Add(e.Method); } });
        using var loads = browser.Connection.Subscribe("Page.loadEventFired", e => { lock (inS1) { inS1.Add(e.SessionId!); } }, "S1");
        var frame = browser.Connection.WaitForEventAsync("Page.frameNavigated", "S2", e => e.Params.GetProperty("url").GetString() == "http://b/");

        await browser.SendAsync("""{"method":"Page.loadEventFired","sessionId":"S2","params":{}}""");
        await browser.SendAsync("""{"method":"Page.frameNavigated","sessionId":"S2","params":{"url":"http://a/"}}""");
        await browser.SendAsync("""{"method":"Page.frameNavigated","sessionId":"S1","params":{"url":"http://b/"}}""");
        await browser.SendAsync("""{"method":"Page.loadEventFired","sessionId":"S1","params":{}}""");
        await browser.SendAsync("""{"method":"Page.frameNavigated","sessionId":"S2","params":{"url":"http://b/"}}""");

        var seen = await frame;
        Assert.Equal("S2", seen.SessionId);
        Assert.Equal("http://b/", seen.Params.GetProperty("url").GetString());
        lock (all)
        {
            Assert.SequenceEqual(["Page.loadEventFired", "Page.frameNavigated", "Page.frameNavigated", "Page.loadEventFired", "Page.frameNavigated"], all);
        }
        lock (inS1)
        {
            Assert.SequenceEqual(["S1"], inS1);
        }
    }

    [Test]
    public async Task FramesSplitAcrossWritesAndSeveralInOneWriteAreAllRead()
    {
        await using var browser = new FakeBrowser();
        var waits = Enumerable.Range(1, 3).Select(i => browser.Connection.WaitForEventAsync("E.e" + i)).ToList();
        await browser.WriteRawAsync("{\"method\":\"E.e1\",\"par");
        await Task.Delay(20);
        await browser.WriteRawAsync("ams\":{\"x\":\"\u00e9\"}}\0{\"method\":\"E.e2\"}\0{\"method\":\"E.e3\"}\0");
        var events = await Task.WhenAll(waits);
        Assert.Equal("é", events[0].Params.GetProperty("x").GetString());
        Assert.Equal("E.e3", events[2].Method);
        Assert.Equal(0, events[1].Params.EnumerateObject().Count());
    }

    [Test]
    public async Task AttachingMakesAFlatSessionWhoseCommandsNameIt()
    {
        await using var browser = new FakeBrowser();
        var attaching = browser.Connection.AttachToTargetAsync("T1");
        var attach = await browser.NextCommandAsync();
        Assert.Equal("Target.attachToTarget", attach.GetProperty("method").GetString());
        Assert.Equal("T1", attach.GetProperty("params").GetProperty("targetId").GetString());
        Assert.True(attach.GetProperty("params").GetProperty("flatten").GetBoolean());
        await browser.SendAsync("{\"id\":" + attach.GetProperty("id").GetInt64() + ",\"result\":{\"sessionId\":\"S9\"}}");
        var session = await attaching;
        Assert.Equal("S9", session.Id);
        Assert.Equal("T1", session.TargetId);

        var evaluating = session.SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = "1+1" });
        var wire = await browser.NextCommandAsync();
        Assert.Equal("S9", wire.GetProperty("sessionId").GetString());
        await browser.SendAsync("{\"id\":" + wire.GetProperty("id").GetInt64() + ",\"sessionId\":\"S9\",\"result\":{\"result\":{\"value\":2}}}");
        Assert.Equal(2, (await evaluating).GetProperty("result").GetProperty("value").GetInt32());
    }

    [Test]
    public async Task ADetachedSessionFailsItsWaitingCommandsAndWaitsButNotOtherSessions()
    {
        await using var browser = new FakeBrowser();
        var onS1 = browser.Connection.SendAsync("Page.navigate", null, "S1");
        var onS2 = browser.Connection.SendAsync("Page.navigate", null, "S2");
        var loadS1 = browser.Connection.WaitForEventAsync("Page.loadEventFired", "S1");
        await browser.NextCommandAsync();
        var s2Wire = await browser.NextCommandAsync();
        if (s2Wire.GetProperty("sessionId").GetString() != "S2")
        {
            s2Wire = await browser.NextCommandAsync();
        }

        await browser.SendAsync("""{"method":"Target.detachedFromTarget","params":{"sessionId":"S1","targetId":"T1"}}""");
        await Assert.ThrowsAsync<CdpDisconnectedException>(() => onS1);
        await Assert.ThrowsAsync<CdpDisconnectedException>(() => loadS1);
        Assert.False(onS2.IsCompleted, "another session's command keeps waiting");
        await browser.SendAsync("{\"id\":" + s2Wire.GetProperty("id").GetInt64() + ",\"result\":{}}");
        await onS2;
        Assert.True(browser.Connection.IsConnected);
    }

    [Test]
    public async Task ABrowserThatClosesItsPipeFailsEveryWaitingCallerAndLaterCommandsAtOnce()
    {
        await using var browser = new FakeBrowser();
        var waiting = browser.Connection.SendAsync("Page.navigate");
        var waitingEvent = browser.Connection.WaitForEventAsync("Page.loadEventFired");
        await browser.NextCommandAsync();
        browser.CloseOutput();

        await Assert.ThrowsAsync<CdpDisconnectedException>(() => waiting);
        await Assert.ThrowsAsync<CdpDisconnectedException>(() => waitingEvent);
        await browser.Connection.Closed;
        Assert.False(browser.Connection.IsConnected);
        await Assert.ThrowsAsync<CdpDisconnectedException>(() => browser.Connection.SendAsync("Browser.getVersion"));
        Assert.Throws<CdpDisconnectedException>(() => browser.Connection.WaitForEventAsync("Page.loadEventFired"));
    }

    [Test]
    public async Task ACommandWithoutAnswerTimesOutOnTheGivenClockAndALateAnswerIsDropped()
    {
        var time = new ManualTimeProvider();
        await using var browser = new FakeBrowser(time);
        var slow = browser.Connection.SendAsync("Page.navigate");
        var slowWire = await browser.NextCommandAsync();
        Assert.False(slow.IsCompleted);
        time.Advance(browser.Connection.CommandTimeout);

        var timeout = await Assert.ThrowsAsync<CdpTimeoutException>(() => slow);
        Assert.Equal(browser.Connection.CommandTimeout, timeout.Timeout);
        Assert.Contains("Page.navigate", timeout.Message);
        await browser.SendAsync("{\"id\":" + slowWire.GetProperty("id").GetInt64() + ",\"result\":{}}");

        var next = browser.Connection.SendAsync("Browser.getVersion");
        var nextWire = await browser.NextCommandAsync();
        await browser.SendAsync("{\"id\":" + nextWire.GetProperty("id").GetInt64() + ",\"result\":{\"product\":\"P\"}}");
        Assert.Equal("P", (await next).GetProperty("product").GetString());
    }

    [Test]
    public async Task AnEventWaitTimesOutOnTheGivenClock()
    {
        var time = new ManualTimeProvider();
        await using var browser = new FakeBrowser(time);
        var wait = browser.Connection.WaitForEventAsync("Page.loadEventFired", timeout: TimeSpan.FromSeconds(5));
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        var error = await Assert.ThrowsAsync<CdpTimeoutException>(() => wait);
        Assert.Equal(TimeSpan.FromSeconds(5), error.Timeout);
    }

    [Test]
    public async Task AMessageThatIsNotJsonClosesTheConnection()
    {
        await using var browser = new FakeBrowser();
        var waiting = browser.Connection.SendAsync("Page.navigate");
        await browser.SendAsync("{not json");
        var error = await Assert.ThrowsAsync<CdpDisconnectedException>(() => waiting);
        Assert.Contains("not JSON", error.Message);
    }

    [Test]
    public async Task AHandlerThatThrowsClosesTheConnectionWithItsException()
    {
        await using var browser = new FakeBrowser();
        using var bad = browser.Connection.Subscribe("Page.loadEventFired", _ => throw new InvalidOperationException("handler bug"));
        var waiting = browser.Connection.SendAsync("Page.navigate");
        await browser.SendAsync("""{"method":"Page.loadEventFired","params":{}}""");
        var error = await Assert.ThrowsAsync<CdpDisconnectedException>(() => waiting);
        Assert.Equal("handler bug", error.InnerException!.Message);
    }

    [Test]
    public async Task ADisposedSubscriptionGetsNoMoreEvents()
    {
        await using var browser = new FakeBrowser();
        var count = 0;
        var subscription = browser.Connection.Subscribe("E.e", _ => Interlocked.Increment(ref count));
        var first = browser.Connection.WaitForEventAsync("E.e");
        await browser.SendAsync("""{"method":"E.e"}""");
        await first;
        subscription.Dispose();
        var second = browser.Connection.WaitForEventAsync("E.e");
        await browser.SendAsync("""{"method":"E.e"}""");
        await second;
        Assert.Equal(1, Volatile.Read(ref count));
    }
}
