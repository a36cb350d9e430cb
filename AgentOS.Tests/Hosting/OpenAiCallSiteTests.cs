using System.Net;
using AgentOS.Hosting.Http;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Hosting;

/// <summary>
/// A proxied agent names its call sites on the OpenAI endpoint (a header, metadata.call_site or user), and the kernel
/// learns answer lengths per call site for shortest-job-first scheduling, as it does for SDK agents. Before, every
/// proxied call of an agent fell into one unnamed call site and its short and long calls were averaged together.
/// </summary>
public sealed class OpenAiCallSiteTests : OpenAiSurfaceFixture
{
    private const string Short = "yes";
    private const string Long = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen";

    [Test]
    public async Task EachWayOfNamingACallSiteKeepsItsLengthsApart()
    {
        await StartAsync();
        for (int i = 0; i < 4; i++)
        {
            await OkAsync("v1/chat/completions", Chat(Short), (KernelHttpServer.CallSiteHeader, "classify"));
            await OkAsync("v1/chat/completions", Chat(Long, """, "metadata": {"call_site": "draft"}"""));
            await OkAsync("v1/responses", $$"""{"model": "echo", "input": "{{Short}}", "user": "triage"}""");
            await OkAsync("v1/responses", $$$"""{"model": "echo", "input": "{{{Long}}}", "metadata": {"call_site": "summarize"}}""");
        }
        var learned = Kernel.LlmEstimator.Learned;
        double classify = learned.EstimateFor("alice", "classify"), triage = learned.EstimateFor("alice", "triage");
        double draft = learned.EstimateFor("alice", "draft"), summarize = learned.EstimateFor("alice", "summarize");
        // Learned estimates are shrunk towards the agent's mean while samples are few, so compare rather than pin them.
        Assert.True(classify * 2 < draft && classify * 2 < summarize, $"classify learned shorter than the long sites: {classify} vs {draft}, {summarize}");
        Assert.True(triage * 2 < draft && triage * 2 < summarize, $"triage learned shorter than the long sites: {triage} vs {draft}, {summarize}");
    }

    [Test]
    public async Task TheHeaderWinsAndAnUnprintableOrOverlongNameIsRefused()
    {
        await StartAsync();
        for (int i = 0; i < 4; i++)
        {
            await OkAsync("v1/chat/completions", Chat(Long, """, "user": "ignored", "metadata": {"call_site": "ignored"}"""), (KernelHttpServer.CallSiteHeader, "essay"));
            await OkAsync("v1/chat/completions", Chat(Short), (KernelHttpServer.CallSiteHeader, "label"));
        }
        var learned = Kernel.LlmEstimator.Learned;
        Assert.True(learned.EstimateFor("alice", "label") * 2 < learned.EstimateFor("alice", "essay"), "the header named the call site");
        Assert.Equal(learned.EstimateFor("alice", "never-seen"), learned.EstimateFor("alice", "ignored"));
        await AssertErrorAsync("v1/chat/completions", Chat(Short, $$""", "user": "{{new string('x', 129)}}" """), HttpStatusCode.BadRequest, "invalid_request");
        await AssertErrorAsync("v1/responses", """{"model": "echo", "input": "hi", "metadata": {"call_site": "a\nb"}}""", HttpStatusCode.BadRequest, "invalid_request");
    }

    private static string Chat(string text, string extra = "") => $$"""{"model": "echo", "messages": [{"role": "user", "content": "{{text}}"}]{{extra}}}""";
}
