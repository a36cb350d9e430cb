using AgentOS.Context;
using AgentOS.Kernel;
using AgentOS.Llm.Http;
using AgentOS.Sdk;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Tests.Llm;

namespace AgentOS.Tests.Context;

/// <summary>The context window enforced by a strategy: an overlong conversation is cut or summarized, never an error.</summary>
public sealed class ContextWindowTests
{
    private static int Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    private static ConversationContext Conversation(int window, int turns, IContextWindowStrategy? strategy = null)
    {
        var context = new ConversationContext("alice", "chat", window, Words, strategy);
        context.Append("system", "You are a helpful assistant");
        for (int i = 0; i < turns; i++)
        {
            context.Append(i % 2 == 0 ? "user" : "assistant", $"turn {i} says five words");
        }
        return context;
    }

    [Test]
    public async Task TruncationDropsTheOldestTurnsAndKeepsTheSystemPromptAndTheNewest()
    {
        var context = Conversation(window: 40, turns: 20);
        Assert.Equal(5 + 20 * 5, context.Tokens);
        var fitted = await context.PrepareAsync(answerTokens: 10);
        Assert.True(fitted.Sum(m => m.Tokens) <= 30, $"{fitted.Sum(m => m.Tokens)} tokens");
        Assert.Equal("system", fitted[0].Role);
        Assert.Equal("turn 19 says five words", fitted[^1].Content);
        // A contiguous recent history: turns 15..19 (5 × 5 tokens beside the 5-token system prompt).
        Assert.SequenceEqual(Enumerable.Range(15, 5).Select(i => $"turn {i} says five words"), fitted.Skip(1).Select(m => m.Content));
        Assert.Equal(21, context.Messages.Count, "the stored conversation is unchanged");
    }

    [Test]
    public async Task AnythingFitsEvenAHugeNewestMessageOrSystemPromptOrNoRoomAtAll()
    {
        var random = new Random(3);
        for (int trial = 0; trial < 200; trial++)
        {
            var context = new ConversationContext("bob", "chat", window: 1 + random.Next(60), Words);
            if (random.Next(2) == 0)
            {
                context.Append("system", string.Join(' ', Enumerable.Range(0, random.Next(80)).Select(i => $"s{i}")));
            }
            for (int i = 0, n = random.Next(1, 12); i < n; i++)
            {
                context.Append(i % 2 == 0 ? "user" : "assistant", string.Join(' ', Enumerable.Range(0, random.Next(1, 50)).Select(j => $"w{i}.{j}")));
            }
            int answer = random.Next(0, 30);
            var fitted = await context.PrepareAsync(answer);
            int budget = context.Window - Math.Clamp(answer, 0, context.Window / 2);
            Assert.True(fitted.Sum(m => m.Tokens) <= budget, $"trial {trial}: {fitted.Sum(m => m.Tokens)} > {budget}");
            Assert.True(fitted.All(m => Words(m.Content) == m.Tokens), $"trial {trial}: token counts are re-measured after a cut");
            var newest = context.Messages[^1].Content;
            if (fitted.Count > 0 && fitted[^1].Content.Length > 0)
            {
                Assert.True(newest.EndsWith(fitted[^1].Content, StringComparison.Ordinal), $"trial {trial}: the newest message keeps its end");
            }
        }
    }

    [Test]
    public async Task SummarizingReplacesTheDroppedTurnsByASummary()
    {
        IReadOnlyList<ContextMessage>? summarized = null;
        var strategy = new SummarizeOldestTurns((dropped, _) =>
        {
            summarized = dropped;
            return ValueTask.FromResult($"{dropped.Count} turns about numbers");
        });
        var context = Conversation(window: 60, turns: 20, strategy);
        var fitted = await context.PrepareAsync(answerTokens: 10);
        Assert.True(fitted.Sum(m => m.Tokens) <= 50, $"{fitted.Sum(m => m.Tokens)} tokens");
        Assert.NotNull(summarized);
        Assert.Equal("turn 0 says five words", summarized![0].Content);
        Assert.Equal("You are a helpful assistant", fitted[0].Content);
        Assert.Contains("Summary of the earlier conversation:", fitted[1].Content);
        Assert.Contains("turns about numbers", fitted[1].Content);
        Assert.Equal("turn 19 says five words", fitted[^1].Content);
        Assert.Equal("summarize", strategy.Name);
    }

    [Test]
    public void AConversationCountsItsTokensAndItsGenerations()
    {
        var context = Conversation(window: 100, turns: 2);
        context.Pending = new GenerationSnapshot { Backend = "embedded", Text = "partial", CompletionTokens = 3 };
        context.RecordAnswer("the whole answer", promptTokens: 15, completionTokens: 3);
        Assert.Null(context.Pending);
        Assert.Equal(15L, context.PromptTokensUsed);
        Assert.Equal(3L, context.CompletionTokensUsed);
        Assert.Equal(5 + 10 + 3, context.Tokens);
        Assert.Equal("assistant", context.Messages[^1].Role);
    }

    [Test]
    public void AGenerationSnapshotRoundTripsThroughBytesAndRefusesCorruption()
    {
        var snapshot = new GenerationSnapshot { Backend = "embedded", Text = "Once upon ✓", CompletionTokens = 4, EngineState = [1, 2, 3] };
        var back = GenerationSnapshot.FromBytes(snapshot.ToBytes());
        Assert.Equal("embedded", back.Backend);
        Assert.Equal("Once upon ✓", back.Text);
        Assert.Equal(4, back.CompletionTokens);
        Assert.SequenceEqual<byte>([1, 2, 3], back.EngineState!);
        Assert.Null(GenerationSnapshot.FromBytes(new GenerationSnapshot { Backend = "http" }.ToBytes()).EngineState);
        var bytes = snapshot.ToBytes();
        bytes[20] ^= 1;
        Assert.Contains("checksum", Assert.Throws<SnapshotFormatException>(() => GenerationSnapshot.FromBytes(bytes)).Message);
        Assert.Contains("AGSN", Assert.Throws<SnapshotFormatException>(() => GenerationSnapshot.FromBytes(new byte[40])).Message);
    }

    [Test(TimeoutSeconds = 60)]
    public async Task TheKernelFitsAnOverlongConversationIntoAnHttpBackendsWindow()
    {
        await using var server = new ScriptedHttpServer(FakeAnthropicModel.Serve);
        var backend = new AnthropicBackend(new AnthropicBackendOptions { BaseUrl = server.Url, ApiKey = "sk-ant-test", Models = ["claude-fake"], MaxContextTokens = 300 });
        using var temp = new TempDirectory("agentos-context-window");
        await using var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = temp.Path, LlmBackends = [backend] });
        kernel.RegisterIdentity("talker");
        var messages = new List<ChatMessage> { ChatMessage.System("Answer briefly.") };
        for (int i = 0; i < 60; i++)
        {
            messages.Add(i % 2 == 0 ? ChatMessage.User($"question {i} is about the weather in some town today") : ChatMessage.Assistant($"answer {i} says it will be sunny and warm"));
        }
        messages.Add(ChatMessage.User("last question"));
        var answer = await new AgentContext("talker", kernel.Port).Planning.QueryAsync(new LlmQuery { Messages = messages, MaxTokens = 100 });
        Assert.Equal("last question", answer.Content);
        var sent = server.Requests.Last().Json;
        var sentMessages = sent.GetProperty("messages").EnumerateArray().ToList();
        Assert.True(sentMessages.Count < 40, $"{sentMessages.Count} messages were sent of 61");
        Assert.Contains("Answer briefly.", sent.GetProperty("system").ToString(), "the system prompt is kept");
        Assert.True(sent.GetProperty("max_tokens").GetInt32() <= 100);
    }
}
