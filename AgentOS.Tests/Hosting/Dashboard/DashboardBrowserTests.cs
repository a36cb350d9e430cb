using AgentOS.Computer.Browser.Cdp;
using AgentOS.Hosting.Demo;
using AgentOS.Llm.Simulation;
using AgentOS.Tests.Computer.Browser;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Hosting.Dashboard;

/// <summary>
/// Issue 23's dashboard in a real Chromium, driven over the DevTools protocol against a kernel running the demo
/// workload (<c>demo --serve</c>'s waves of agents on the simulator, in real time): it updates live, approves by a
/// click, changes a policy, shows nothing without a login, fits a phone, works from the keyboard, follows dark mode,
/// and leaves screenshots of every view at desktop and phone widths in the test artifacts. Assertions read the DOM.
/// </summary>
[RequiresChromium]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DashboardBrowserTests
{
    private const string Token = "browser-test-admin";

    internal static readonly string[] Views = ["agents", "queues", "timeline", "approvals", "llm", "memory", "computer", "reactor"];

    [Test(TimeoutSeconds = 180)]
    public async Task WithoutALoginTheBrowserGetsTheLoginPageAndNoData()
    {
        await using var demo = StartDemo();
        await using var browser = await OpenAsync();
        var page = browser.Page;
        await page.NavigateAsync(demo.Server.Url);
        await page.WaitForAsync("document.getElementById('login-form')", "the login form");
        Assert.False(await page.TrueAsync("document.getElementById('agents-table')"), "the dashboard itself is not served");
        Assert.DoesNotContain("agent-0", await page.TextAsync("document.documentElement.outerHTML"));
        // Nor does the API answer the page's scripts without the login.
        Assert.Equal(401, (await page.EvaluateAsync("fetch('/v1/agents/activity').then(r => r.status)")).GetInt32());
        Assert.Equal(401, (await page.EvaluateAsync("fetch('/v1/status').then(r => r.status)")).GetInt32());

        // A wrong token stays on the login page, saying why.
        await page.EvaluateAsync("document.getElementById('token').value = 'wrong'");
        await page.ClickAsync("#login-button");
        await page.WaitForAsync("!document.getElementById('login-error').hidden", "the login error");
        Assert.Contains("does not log in", await page.TextAsync("document.getElementById('login-error').textContent"));

        // The right one logs in; the cookie is out of the scripts' reach.
        await page.EvaluateAsync("document.getElementById('token').value = ''");
        await page.LogInAsync(demo.Server.Url, Token);
        Assert.DoesNotContain("agentos_session", await page.TextAsync("document.cookie"));
        Assert.Contains("admin", await page.TextAsync("document.getElementById('whoami').textContent"));
    }

    [Test(TimeoutSeconds = 240)]
    public async Task TheDashboardUpdatesLiveWhileTheDemoWorkloadRuns()
    {
        await using var demo = StartDemo();
        await using var browser = await OpenAsync();
        var page = browser.Page;
        await page.LogInAsync(demo.Server.Url, Token);

        // Agents: the runs the page shows grow as the demo's agents finish; events arrive on the stream.
        const string Done = "[...document.querySelectorAll('#agents-table .completed')].reduce((s, e) => s + Number(e.textContent), 0)";
        int before = (await page.EvaluateAsync(Done)).GetInt32();
        await page.WaitForAsync($"{Done} > {before}", "more completed runs in the agents view", 120);
        await page.WaitForAsync("Number(document.getElementById('event-count').textContent) > 0", "events from the stream");
        await page.WaitForAsync("document.querySelector('#agents-table [data-state=running]')", "an agent shown running", 120);

        // Queues: the LLM queue's completed count moves, and the percentile charts draw lines.
        await page.ShowViewAsync("queues");
        const string LlmDone = "Number(document.querySelector('[data-queue=llm] .completed').textContent)";
        int llm = (await page.EvaluateAsync(LlmDone)).GetInt32();
        await page.WaitForAsync($"{LlmDone} > {llm}", "the LLM queue's completed count to move", 120);
        await page.WaitForAsync("document.querySelector('[data-queue=llm] svg.chart polyline.p99')", "a p99 line in the LLM queue's chart");
        // Its depth is what the kernel says at some moment while the page polls: the page follows the kernel.
        await page.WaitForAsync("[...document.querySelectorAll('[data-queue] .waiting')].some(e => Number(e.textContent) > 0) || " +
            "[...document.querySelectorAll('[data-queue] .running')].some(e => Number(e.textContent) > 0)", "a queue with syscalls waiting or running", 120);

        // Timeline: bars from the event stream.
        await page.ShowViewAsync("timeline");
        await page.WaitForAsync("document.querySelectorAll('svg.gantt rect[data-state=running]').length > 0", "running bars on the timeline");
        await page.WaitForAsync("document.querySelectorAll('svg.gantt rect[data-state=waiting]').length > 0", "waiting bars on the timeline");
    }

    [Test(TimeoutSeconds = 240)]
    public async Task ApprovingAPendingRequestByClickingLetsTheAgentProceed()
    {
        await using var demo = StartDemo();
        await using var browser = await OpenAsync();
        var page = browser.Page;
        await page.LogInAsync(demo.Server.Url, Token);
        // The janitor's delete waits for a decision; the badge counts it.
        await page.WaitForAsync("document.getElementById('approval-count').textContent === '1'", "the pending delete on the badge", 60);
        await page.ShowViewAsync("approvals");
        await page.WaitForAsync("document.querySelector('#approvals li[data-approval]')", "the pending request");
        string item = await page.TextAsync("document.querySelector('#approvals li[data-approval]').textContent");
        Assert.Contains("janitor", item);
        Assert.Contains("agents/janitor/scratch.txt", item);
        Assert.Equal(0L, demo.Kernel.Status.Agents.Single(a => a.Name == "janitor").Completed);

        await page.ClickAsync("#approvals button[data-action=approve]");
        await page.WaitForAsync("!document.querySelector('#approvals li[data-approval]')", "the request to leave the list");
        // The agent proceeds: its delete ran and its run completed, and the page's agents view shows it.
        await page.ShowViewAsync("agents");
        await page.WaitForAsync("document.querySelector('#agents-table tr[data-agent=janitor] .completed').textContent === '1'", "the janitor's run completed", 60);
        Assert.Equal(1L, demo.Kernel.Status.Agents.Single(a => a.Name == "janitor").Completed);
        await demo.Kernel.Audit.FlushAsync();
        Assert.True(demo.Kernel.Audit.ReadAll().Any(r => r.Target == "agents/janitor/scratch.txt" && r.Approver == AgentOS.Access.Principal.AdminName),
            "the audit names the logged-in approver");
    }

    [Test(TimeoutSeconds = 180)]
    public async Task ChangingAQueuesPolicyFromThePageChangesTheKernelsAndIsAudited()
    {
        await using var demo = StartDemo();
        await using var browser = await OpenAsync();
        var page = browser.Page;
        await page.LogInAsync(demo.Server.Url, Token);
        await page.ShowViewAsync("queues");
        Assert.Equal("sjf", demo.Kernel.QueueStatistics("llm").Policy);
        await page.EvaluateAsync("(() => { const s = document.getElementById('policy-llm'); s.focus(); s.value = 'fifo'; })()");
        await page.ClickAsync("form.policy-form[data-queue=llm] button[type=submit]");
        await page.WaitForAsync("document.querySelector('[data-queue=llm] .policy').textContent === 'fifo'", "the card to show the new policy");
        Assert.Equal("fifo", demo.Kernel.QueueStatistics("llm").Policy);
        await demo.Kernel.Audit.FlushAsync();
        Assert.True(demo.Kernel.Audit.ReadAll().Any(r => r.Target == "queue/llm/policy" && r.Message == "policy of the llm queue changed from sjf to fifo"));
    }

    [Test(TimeoutSeconds = 300)]
    public async Task EveryViewFitsAPhoneIsReachableByKeyboardFollowsDarkModeAndIsPhotographed()
    {
        await using var demo = StartDemo();
        await using var browser = await OpenAsync();
        var page = browser.Page;
        await page.SetViewportAsync(1280, 900, mobile: false);
        await page.LogInAsync(demo.Server.Url, Token);
        await page.WaitForAsync("document.getElementById('approval-count').textContent === '1'", "the pending delete (so Approve and Deny exist)", 60);
        // Fill the storage browser so its actions exist too, once the first agent has saved its answer.
        await page.WaitForAsync("document.querySelector('#agents-table tr[data-agent=agent-00000] .completed').textContent !== '0'", "the first agent's answer", 120);
        await page.ShowViewAsync("memory");
        await page.EvaluateAsync("document.getElementById('browse-path').value = ''"); // the page lists the agent's own folder
        await page.ClickAsync("#browse-button");
        await page.WaitForAsync("document.querySelector('#storage-keys button[data-action=versions]')", "stored keys to browse", 60);
        await page.ClickAsync("#storage-keys button[data-action=versions]");
        await page.WaitForAsync("document.querySelector('#storage-versions button[data-action=view]')", "a key's versions");

        var shots = new List<string>();
        foreach (var view in Views)
        {
            await page.ShowViewAsync(view);
            await SettleAsync(page);
            shots.Add(await page.ScreenshotAsync($"{view}-desktop"));
            await EveryActionIsReachableByTabAsync(page, view);
        }

        await page.SetViewportAsync(390, 844, mobile: true);
        foreach (var view in Views)
        {
            await page.ShowViewAsync(view);
            await SettleAsync(page);
            double width = (await page.EvaluateAsync("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")).GetDouble();
            Assert.True(width <= 390, $"the {view} view is {width} px wide at a 390 px viewport: {await page.TextAsync(WidestElements)}");
            shots.Add(await page.ScreenshotAsync($"{view}-phone"));
        }

        // Dark mode: the colours the page computes change with the system's scheme.
        await page.SetViewportAsync(1280, 900, mobile: false);
        await page.ShowViewAsync("queues");
        const string Colours = "[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color, getComputedStyle(document.querySelector('#tabs button[aria-current]')).backgroundColor].join(' | ')";
        await page.SetColorSchemeAsync("light");
        string light = await page.TextAsync(Colours);
        await page.SetColorSchemeAsync("dark");
        string dark = await page.TextAsync(Colours);
        Assert.Equal("rgb(247, 247, 245) | rgb(29, 33, 37) | rgb(11, 98, 196)", light);
        Assert.Equal("rgb(20, 23, 26) | rgb(232, 234, 237) | rgb(106, 176, 255)", dark);
        foreach (var view in Views)
        {
            await page.ShowViewAsync(view);
            shots.Add(await page.ScreenshotAsync($"{view}-desktop-dark"));
        }
        await page.SetViewportAsync(390, 844, mobile: true);
        await page.ShowViewAsync("agents");
        shots.Add(await page.ScreenshotAsync("agents-phone-dark"));

        Console.WriteLine($"dashboard screenshots: {DashboardBrowser.ArtifactsDirectory} ({shots.Count} files)");
        Assert.True(shots.All(s => new FileInfo(s).Length > 1000), "every screenshot was written");
    }

    // Every enabled control of the view and the tabs gets the focus by Tab alone, from the top of the page.
    private static async Task EveryActionIsReachableByTabAsync(DashboardBrowser page, string view)
    {
        const string Controls = "[...document.querySelectorAll('header button, #tabs button, #view-VIEW button, #view-VIEW input, #view-VIEW select')].filter(e => !e.disabled && e.offsetParent !== null)";
        string controls = Controls.Replace("VIEW", view, StringComparison.Ordinal);
        int count = (await page.EvaluateAsync($"(() => {{ const c = {controls}; c.forEach((e, i) => e.dataset.tabProbe = String(i)); window.__reached = new Set(); return c.length; }})()")).GetInt32();
        Assert.True(count > 8, $"the {view} view has {count} controls");
        await page.EvaluateAsync("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)");
        // Focus changes are recorded as they happen, so a re-render between presses cannot hide one.
        await page.EvaluateAsync("document.addEventListener('focusin', e => { if (e.target.dataset && e.target.dataset.tabProbe) window.__reached.add(e.target.dataset.tabProbe); })");
        for (int i = 0; i < count + 40 && (await page.EvaluateAsync("window.__reached.size")).GetInt32() < count; i++)
        {
            await page.PressTabAsync();
        }
        string missed = await page.TextAsync($"{controls}.filter(e => !window.__reached.has(e.dataset.tabProbe)).map(e => e.outerHTML.slice(0, 80)).join('\\n')");
        Assert.Equal("", missed, $"controls of the {view} view that Tab never reached");
    }

    // The page re-renders once a second; a screenshot or a width check waits for a render after the view is shown.
    private static async Task SettleAsync(DashboardBrowser page)
    {
        int refreshed = (await page.EvaluateAsync("Number(document.body.dataset.refreshed)")).GetInt32();
        await page.WaitForAsync($"Number(document.body.dataset.refreshed) > {refreshed}", "the next refresh");
    }

    private const string WidestElements = "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391).slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join('; ')";

    // The demo on the simulator in real time: small waves, two slots, so syscalls queue and the page has things to show.
    private static DemoServe StartDemo()
    {
        var latency = new SimulatedLatencyModel();
        var work = DemoWorkload.Simulated(LlmTrace.Synthetic(16), 2, latency);
        return DemoServe.Start(new SimulatedLlmBackend(TimeProvider.System, 2, latency), work, port: 0, pause: TimeSpan.FromSeconds(1), Token);
    }

    internal static async Task<BrowserPage> OpenAsync()
    {
        var chromium = await ChromiumProcess.LaunchAsync(new ChromiumLaunchOptions { WindowWidth = 1280, WindowHeight = 900 });
        try
        {
            var session = await chromium.Connection.NewPageAsync();
            await session.SendAsync("Page.enable");
            await session.SendAsync("Runtime.enable");
            return new BrowserPage(chromium, new DashboardBrowser((method, parameters) => session.SendAsync(method, parameters)));
        }
        catch
        {
            await chromium.DisposeAsync();
            throw;
        }
    }

    internal sealed class BrowserPage(ChromiumProcess chromium, DashboardBrowser page) : IAsyncDisposable
    {
        public DashboardBrowser Page { get; } = page;

        public ValueTask DisposeAsync() => chromium.DisposeAsync();
    }
}
