using AgentOS.Kernel;
using AgentOS.Llm.Embedded;
using AgentOS.Sdk;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Context;

/// <summary>
/// The preemptive context switch on the embedded engine: many agents share few slots under round robin and least
/// attained service with a quantum in tokens; every preempted generation is snapshotted, yields its slot, and resumes
/// later with exactly the answer it gets uninterrupted, computing no prefill again.
/// </summary>
[RequiresShared("data/models/stories260K.bin")]
[RequiresShared("data/models/tok512.bin")]
public sealed class ContextSwitchTests
{
    private static readonly string[] Prompts = ["Once upon a time", "The little dog", "Lily wanted to", "One day, a big bird", "Tom and his mom"];

    private static EmbeddedLlmBackend Backend(int slots = 3) =>
        new(RepoPaths.Shared("data/models/stories260K.bin"), RepoPaths.Shared("data/models/tok512.bin"), slots: slots);

    internal static LlmQuery Query(int i) => new()
    {
        Messages = [ChatMessage.User(Prompts[i % Prompts.Length])],
        MaxTokens = 40 + 9 * i,
        Temperature = i % 4 == 0 ? 0 : 1.0,
        Seed = (ulong)(100 + i),
    };

    [Test(TimeoutSeconds = 120)]
    public Task RoundRobinPreemptsAtTheQuantumAndResumesTokenIdenticalWithoutPrefill() => Interleave("rr", quantum: 5);

    [Test(TimeoutSeconds = 120)]
    public Task LeastAttainedServicePreemptsAndResumesTokenIdenticalWithoutPrefill() => Interleave("las", quantum: 3);

    private static async Task Interleave(string policy, double quantum)
    {
        const int Agents = 12;
        var reference = Backend();
        var expected = new List<LlmResponse>();
        for (int i = 0; i < Agents; i++)
        {
            expected.Add(await reference.GenerateAsync(Query(i)));
        }

        using var temp = new TempDirectory("agentos-context-switch");
        var backend = Backend();
        await using var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = temp.Path, LlmBackends = [backend], LlmPolicy = policy, LlmServiceQuantum = quantum });
        var answers = await Task.WhenAll(Enumerable.Range(0, Agents).Select(async i =>
        {
            kernel.RegisterIdentity($"agent-{i}");
            var context = new AgentContext($"agent-{i}", kernel.Port);
            return await context.Planning.QueryAsync(Query(i));
        }));
        for (int i = 0; i < Agents; i++)
        {
            Assert.Equal(expected[i].Content, answers[i].Content, $"agent {i}");
            Assert.Equal(expected[i].CompletionTokens, answers[i].CompletionTokens, $"agent {i}");
            Assert.Equal(expected[i].FinishReason, answers[i].FinishReason, $"agent {i}");
        }
        var llm = kernel.Status.Queues["llm"];
        Assert.True(llm.Preemptions >= Agents, $"{llm.Preemptions} preemptions");
        Assert.Equal(llm.Preemptions, backend.Counters.Restores, "every preemption resumed from its snapshot");
        Assert.Equal(reference.Counters.PrefillTokens, backend.Counters.PrefillTokens, "each prompt is computed once; no resume computes prefill");
        Assert.Equal(reference.Counters.DecodeTokens, backend.Counters.DecodeTokens, "no position is computed twice");
        Assert.True(backend.Engine.LargestBatch > 1, "generations shared batched steps");
    }

    [Test(TimeoutSeconds = 120)]
    public async Task AStreamedAnswerPreemptedManyTimesIsOneCoherentAnswer()
    {
        using var temp = new TempDirectory("agentos-context-stream");
        var reference = Backend();
        var backend = Backend(slots: 1);
        await using var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = temp.Path, LlmBackends = [backend], LlmPolicy = "rr", LlmServiceQuantum = 2 });
        var streams = await Task.WhenAll(Enumerable.Range(0, 3).Select(async i =>
        {
            kernel.RegisterIdentity($"teller-{i}");
            var context = new AgentContext($"teller-{i}", kernel.Port);
            var pieces = new List<string>();
            await foreach (var piece in context.Planning.StreamAsync(Prompts[i]))
            {
                pieces.Add(piece);
            }
            return string.Concat(pieces);
        }));
        for (int i = 0; i < 3; i++)
        {
            var alone = await reference.GenerateAsync(new LlmQuery { Messages = [ChatMessage.User(Prompts[i])] });
            Assert.Equal(alone.Content, streams[i], $"teller {i}");
        }
        Assert.True(kernel.Status.Queues["llm"].Preemptions > 10, "the answers were interleaved");
    }
}
