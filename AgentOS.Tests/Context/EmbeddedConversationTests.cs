using AgentOS.Kernel;
using AgentOS.Llm.Embedded;
using AgentOS.Sdk;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Context;

/// <summary>A kernel-kept conversation on the embedded engine, whose window is stories260K's 512-token sequence.</summary>
[RequiresShared("data/models/stories260K.bin")]
[RequiresShared("data/models/tok512.bin")]
public sealed class EmbeddedConversationTests
{
    [Test(TimeoutSeconds = 120)]
    public async Task ALongConversationBeyondTheWindowKeepsAnsweringAndCountsItsTokens()
    {
        var backend = new EmbeddedLlmBackend(RepoPaths.Shared("data/models/stories260K.bin"), RepoPaths.Shared("data/models/tok512.bin"));
        using var temp = new TempDirectory("agentos-conversation-embedded");
        await using var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = temp.Path, LlmBackends = [backend] });
        kernel.RegisterIdentity("teller");
        var agent = new AgentContext("teller", kernel.Port);
        long prompt = 0, completion = 0;
        const int Turns = 40;
        for (int turn = 0; turn < Turns; turn++)
        {
            // The first turn brings the system prompt; each is a turn of the kernel's conversation "default".
            List<ChatMessage> messages = turn == 0 ? [ChatMessage.System("Tell short stories."), ChatMessage.User("Once upon a time")] : [ChatMessage.User($"Then the little dog number {turn} ran to the park")];
            var answer = await agent.Planning.QueryAsync(new LlmQuery { Messages = messages, MaxTokens = 24, ContextId = "default", AppendToContext = true });
            Assert.True(answer.Content.Length > 0 && answer.CompletionTokens > 0, $"turn {turn} got an answer");
            prompt += answer.PromptTokens;
            completion += answer.CompletionTokens;
        }
        var context = kernel.Contexts.Find("teller", "default")!;
        Assert.Equal(2 + 1 + 2 * (Turns - 1), context.Messages.Count);
        Assert.True(context.Tokens > backend.Capabilities.MaxContextTokens, $"{context.Tokens} tokens outgrew the {backend.Capabilities.MaxContextTokens}-token window");
        Assert.True(context.LastPrompt.Sum(m => m.Tokens) <= backend.Capabilities.MaxContextTokens, "what was sent fits the window");
        Assert.Equal("Tell short stories.", context.LastPrompt[0].Content, "the system prompt is kept");
        Assert.Equal($"Then the little dog number {Turns - 1} ran to the park", context.LastPrompt[^1].Content);
        Assert.Equal(prompt, context.PromptTokensUsed);
        Assert.Equal(completion, context.CompletionTokensUsed);
        Assert.Equal(prompt, kernel.Status.Contexts!.PromptTokens);
        Assert.Equal(completion, kernel.Status.Contexts!.CompletionTokens);
    }

    [Test(TimeoutSeconds = 120)]
    public async Task TheSummarizeStrategyKeepsALongConversationGoingOnTheEmbeddedEngine()
    {
        var backend = new EmbeddedLlmBackend(RepoPaths.Shared("data/models/stories260K.bin"), RepoPaths.Shared("data/models/tok512.bin"));
        using var temp = new TempDirectory("agentos-conversation-embedded-summary");
        await using var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = temp.Path, LlmBackends = [backend], ContextStrategy = "summarize" });
        kernel.RegisterIdentity("teller");
        var agent = new AgentContext("teller", kernel.Port);
        agent.Memory.Append(ChatMessage.System("Tell short stories."));
        for (int turn = 0; turn < 30; turn++)
        {
            var answer = await agent.Planning.ChatAsync($"Then the little cat number {turn} jumped over the fence");
            Assert.True(answer.Length > 0, $"turn {turn} got an answer");
        }
        var context = kernel.Contexts.Find("teller", "default")!;
        Assert.Equal("Tell short stories.", context.Messages[0].Content);
        Assert.Equal(1, context.Messages.Count(m => m.Content.StartsWith(AgentOS.Context.SummarizeOldestTurns.Prefix, StringComparison.Ordinal)), "one summary, kept");
        Assert.Equal("Then the little cat number 29 jumped over the fence", context.Messages[^2].Content);
    }

    // Four agents' conversations at once on one slot, under rr with a 4-token quantum: turns are preempted and resumed
    // (each resume continues the turn as first prepared), and every conversation ends as it does run one turn at a time.
    [Test(TimeoutSeconds = 120)]
    public async Task PreemptedTurnsRecordTheSameConversationsAsUninterruptedOnes()
    {
        async Task<(List<string> Messages, long Preemptions)> Run(string policy)
        {
            var backend = new EmbeddedLlmBackend(RepoPaths.Shared("data/models/stories260K.bin"), RepoPaths.Shared("data/models/tok512.bin"), slots: 1);
            using var temp = new TempDirectory("agentos-conversation-preempted");
            await using var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = temp.Path, LlmBackends = [backend], LlmPolicy = policy, LlmServiceQuantum = 4 });
            var agents = Enumerable.Range(0, 4).Select(i => $"agent{i}").ToList();
            agents.ForEach(a => kernel.RegisterIdentity(a));
            await Task.WhenAll(agents.Select(async a =>
            {
                for (int turn = 0; turn < 3; turn++)
                {
                    await new AgentContext(a, kernel.Port).Planning.QueryAsync(new LlmQuery { Messages = [ChatMessage.User($"{a} went to the park on day {turn}")], MaxTokens = 20, ContextId = "default", AppendToContext = true });
                }
            }));
            return ([.. agents.SelectMany(a => kernel.Contexts.Find(a, "default")!.Messages.Select(m => $"{a} {m.Role}: {m.Content}"))], kernel.Status.Queues["llm"].Preemptions);
        }
        var (alone, _) = await Run("fifo");
        var (preempted, preemptions) = await Run("rr");
        Assert.True(preemptions > 0, "turns were preempted");
        Assert.SequenceEqual(alone, preempted);
        Assert.Equal(4 * 3 * 2, preempted.Count);
    }
}
