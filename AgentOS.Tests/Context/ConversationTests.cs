using System.Text.Json;
using AgentOS.Hosting.Http;
using AgentOS.Kernel;
using AgentOS.Llm.Http;
using AgentOS.Sdk;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Tests.Llm;

namespace AgentOS.Tests.Context;

/// <summary>Kernel-kept conversations: the SDK's chat turns go to a context the kernel owns, fits to the serving
/// backend's window, counts and persists.</summary>
public sealed class ConversationTests
{
    private static AnthropicBackend Anthropic(ScriptedHttpServer server, int window) =>
        new(new AnthropicBackendOptions { BaseUrl = server.Url, ApiKey = "sk-ant-test", Models = ["claude-fake"], MaxContextTokens = window });

    private static string Question(int turn) => $"question {turn} asks about the weather in a town by the sea today";

    [Test(TimeoutSeconds = 60)]
    public async Task AConversationOverARemotePortOutgrowsTheWindowAndKeepsItsSystemPrompt()
    {
        await using var server = new ScriptedHttpServer(FakeAnthropicModel.Serve);
        using var temp = new TempDirectory("agentos-conversation-remote");
        await using var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = temp.Path, LlmBackends = [Anthropic(server, 300)] });
        kernel.RegisterIdentity("talker");
        await using var http = KernelHttpServer.Start(kernel, new HttpServerOptions { BearerToken = "conversation-admin" });
        using var port = new RemoteKernelPort(http.Url, "conversation-admin");
        var agent = new AgentContext("talker", port);
        agent.Memory.Append(ChatMessage.System("Answer briefly."));
        for (int turn = 0; turn < 30; turn++)
        {
            Assert.Equal(Question(turn), await agent.Planning.ChatAsync(Question(turn)), $"turn {turn}");
        }
        var context = kernel.Contexts.Find("talker", "default")!;
        Assert.Equal(1 + 2 * 30, context.Messages.Count, "every turn is kept; only what is sent is cut");
        Assert.True(context.Tokens > 300, $"{context.Tokens} tokens: the conversation outgrew the window");
        Assert.Equal("system", context.LastPrompt[0].Role);
        Assert.True(context.LastPrompt.Count < context.Messages.Count, $"{context.LastPrompt.Count} messages sent");
        var sent = server.Requests.Last().Json;
        Assert.Contains("Answer briefly.", sent.GetProperty("system").ToString(), "the system prompt is kept");
        Assert.Contains(Question(29), sent.GetProperty("messages").EnumerateArray().Last().GetProperty("content").ToString());
        // The agent's own copy mirrors the kernel's.
        Assert.Equal(context.Messages.Count, agent.Memory.Conversation.Count);

        using var client = new HttpClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "conversation-admin");
        using var status = JsonDocument.Parse(await client.GetStringAsync(new Uri(http.Url, "v1/status")));
        var contexts = status.RootElement.GetProperty("contexts");
        Assert.Equal(1, contexts.GetProperty("contexts").GetInt32());
        Assert.Equal((long)context.Tokens, contexts.GetProperty("tokens").GetInt64());
    }

    [Test(TimeoutSeconds = 60)]
    public async Task TheSummarizeStrategyAsksTheBackendAndKeepsTheSummary()
    {
        await using var server = new ScriptedHttpServer(FakeAnthropicModel.Serve);
        using var temp = new TempDirectory("agentos-conversation-summary");
        var options = KernelConfig.Parse("""{ "context_strategy": "Summarize" }""").ToOptions() with { DataDirectory = temp.Path, LlmBackends = [Anthropic(server, 300)] };
        await using var kernel = AgentKernel.Start(options);
        kernel.RegisterIdentity("talker");
        var agent = new AgentContext("talker", kernel.Port) { ConversationId = "trip" };
        agent.Memory.Append(ChatMessage.System("Answer briefly."));
        for (int turn = 0; turn < 30; turn++)
        {
            Assert.Equal(Question(turn), await agent.Planning.ChatAsync(Question(turn)), $"turn {turn}");
        }
        Assert.True(server.Requests.Any(r => r.Json.GetProperty("system").ToString().Contains("Summarize this conversation", StringComparison.Ordinal)), "the backend was asked for a summary");
        var context = kernel.Contexts.Find("talker", "trip")!;
        Assert.Equal("Answer briefly.", context.Messages[0].Content);
        var summaries = context.Messages.Where(m => m.Content.StartsWith("Summary of the earlier conversation:", StringComparison.Ordinal)).ToList();
        Assert.Equal(1, summaries.Count, "the summary is kept in the context (and folded into the next one)");
        Assert.True(context.Messages.Count < 1 + 2 * 30, $"{context.Messages.Count} messages: summarized turns are gone");
        Assert.Equal(Question(29), context.Messages[^2].Content);
        Assert.Equal("summarize", kernel.Status.Contexts!.Strategy);
    }

    [Test(TimeoutSeconds = 60)]
    public async Task ARestartedKernelContinuesTheConversation()
    {
        using var temp = new TempDirectory("agentos-conversation-restart");
        await using (var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = temp.Path }))
        {
            kernel.RegisterIdentity("alice");
            var agent = new AgentContext("alice", kernel.Port);
            await agent.Planning.ChatAsync("first");
            await agent.Planning.ChatAsync("second");
        }
        await using (var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = temp.Path }))
        {
            kernel.RegisterIdentity("alice");
            var context = kernel.Contexts.Find("alice", "default")!;
            Assert.SequenceEqual(["user", "assistant", "user", "assistant"], context.Messages.Select(m => m.Role));
            Assert.Equal("second", context.Messages[2].Content);
            Assert.Equal(1, kernel.Status.Contexts!.Contexts);
            await new AgentContext("alice", kernel.Port).Planning.ChatAsync("third");
            Assert.Equal("third", context.Messages[4].Content);
            Assert.Equal("first", context.LastPrompt[0].Content, "the new turn was sent with the stored conversation");
        }
    }

    [Test]
    public void AnUnknownStrategyIsATypedConfigError()
    {
        var error = Assert.Throws<KernelConfigException>(() => KernelConfig.Parse("""{ "context_strategy": "forget" }"""));
        Assert.Contains("context_strategy 'forget'", error.Message);
        Assert.Contains("truncate, summarize", error.Message);
        using var temp = new TempDirectory("agentos-conversation-bad");
        Assert.Throws<ArgumentException>(() => AgentKernel.Start(new KernelOptions { DataDirectory = temp.Path, ContextStrategy = "forget" }));
    }

    [Test]
    public async Task AFailedTurnLeavesTheConversationAsItWas()
    {
        await using var server = new ScriptedHttpServer((_, exchange) => exchange.RespondAsync(500, """{"type":"error","error":{"type":"api_error","message":"boom"}}"""));
        using var temp = new TempDirectory("agentos-conversation-failed");
        await using var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = temp.Path, LlmBackends = [Anthropic(server, 300)] });
        kernel.RegisterIdentity("talker");
        var agent = new AgentContext("talker", kernel.Port);
        await Assert.ThrowsAsync<AgentOS.Syscalls.Errors.SyscallException>(async () => await agent.Planning.ChatAsync("hello"));
        Assert.Equal(0, kernel.Contexts.Find("talker", "default")?.Messages.Count ?? 0);
        Assert.Equal(0, agent.Memory.Conversation.Count);
    }
}
