using AgentOS.Hosting;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Time;

namespace AgentOS.Tests.Hosting;

/// <summary>
/// serve's idle trim (issue 13: resident memory rose under load and never came back when idle): one trim per idle
/// period, none while requests arrive, on virtual time.
/// </summary>
public sealed class IdleMemoryTrimmerTests
{
    [Test]
    public void ItTrimsOncePerIdlePeriodAndNeverWhileBusy()
    {
        var time = new ManualTimeProvider();
        long requests = 0;
        int trims = 0;
        using var trimmer = new IdleMemoryTrimmer(time, TimeSpan.FromSeconds(60), () => Volatile.Read(ref requests), () => trims++);

        // Busy: a request in every period, so no period is idle.
        for (int period = 0; period < 5; period++)
        {
            requests += 10;
            time.Advance(TimeSpan.FromSeconds(60));
        }
        Assert.Equal(0, trims, "no trim while requests arrive");

        time.Advance(TimeSpan.FromSeconds(60)); // a whole period without a request
        Assert.Equal(1, trims, "one trim once idle");
        time.Advance(TimeSpan.FromSeconds(600));
        Assert.Equal(1, trims, "still idle: nothing new to give back, no second trim");

        requests++;
        time.Advance(TimeSpan.FromSeconds(60)); // the period with the request
        Assert.Equal(1, trims);
        time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(2, trims, "idle again after new activity: trimmed again");
        Assert.Equal(2, trimmer.Trims);
    }

    [Test(TimeoutSeconds = 120)]
    public async Task ServeTrimsWhenItFallsIdleAndSaysSo()
    {
        using var temp = new TempDirectory("agentos-idle-trim");
        using var serve = await ServeProcess.StartAsync(temp.Path, "--idle-trim", "1");
        using var http = serve.CreateClient();
        for (int i = 0; i < 50; i++)
        {
            (await http.GetAsync("v1/status")).Dispose();
        }
        int before = serve.Child.StderrLines.Count(l => l.StartsWith("idle: memory trimmed", StringComparison.Ordinal));
        // Polls the child's output (it decides when it is idle, on its own clock); the test's timeout bounds the wait.
        var line = await serve.Child.WaitForLineAsync(l => l.StartsWith("idle: memory trimmed (resident ", StringComparison.Ordinal)
            && serve.Child.StderrLines.Count(x => x.StartsWith("idle: memory trimmed", StringComparison.Ordinal)) > before, TimeSpan.FromSeconds(60));
        Assert.Contains(" MiB -> ", line);
    }
}
