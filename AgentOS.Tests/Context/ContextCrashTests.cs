using AgentOS.Context;
using AgentOS.Llm.Embedded;
using AgentOS.Sdk;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Tests.Hosting;

namespace AgentOS.Tests.Context;

/// <summary>
/// Preempted generations survive a crash: a kernel in a child process runs many seeded generations under round robin
/// with a quantum in tokens, persisting each preempted one's snapshot in its storage; it is SIGKILLed half-way; a new
/// kernel on the same storage is given the same queries and finishes them from their snapshots, with exactly the
/// answers of uninterrupted runs.
/// </summary>
[RequiresShared("data/models/stories260K.bin")]
[RequiresShared("data/models/tok512.bin")]
public sealed class ContextCrashTests
{
    private const int Agents = 8;

    private static LlmQuery Query(int i) => new()
    {
        Messages = [ChatMessage.User(i % 2 == 0 ? "Once upon a time" : "The little cat")],
        MaxTokens = 300 + 20 * i,
        Temperature = 1.0,
        Seed = (ulong)(7 + i),
        ContextId = $"story-{i}",
    };

    [Test(TimeoutSeconds = 240)]
    public async Task GenerationsHalfDoneWhenTheKernelIsKilledFinishInANewKernelAsIfUninterrupted()
    {
        var reference = new EmbeddedLlmBackend(RepoPaths.Shared("data/models/stories260K.bin"), RepoPaths.Shared("data/models/tok512.bin"));
        var expected = new List<string>();
        for (int i = 0; i < Agents; i++)
        {
            expected.Add((await reference.GenerateAsync(Query(i))).Content);
        }

        using var temp = new TempDirectory("agentos-context-crash");
        var config = temp.Combine("kernel.json");
        await File.WriteAllTextAsync(config, $$"""
            { "llm_policy": "rr", "llm_quantum_tokens": 2,
              "llm_backends": [ { "type": "embedded", "name": "embedded", "slots": 2,
                "model_path": "{{RepoPaths.Shared("data/models/stories260K.bin")}}", "tokenizer_path": "{{RepoPaths.Shared("data/models/tok512.bin")}}" } ] }
            """);
        string data = temp.Combine("data");
        string agents = string.Join(',', Enumerable.Range(0, Agents).Select(i => $"writer-{i}"));

        // First kernel: start every generation streaming, and SIGKILL the process once some text has come back.
        using (var first = await ServeProcess.StartAsync(data, "--config", config, "--agents", agents))
        {
            using var port = first.CreatePort();
            var received = 0;
            var enough = new TaskCompletionSource();
            var streams = Enumerable.Range(0, Agents).Select(i => Task.Run(async () =>
            {
                var sink = System.Threading.Channels.Channel.CreateUnbounded<string>();
                var pending = port.SubmitAsync(new SyscallRequest { AgentId = $"writer-{i}", Llm = Query(i), StreamTo = sink.Writer }).AsTask();
                _ = pending.ContinueWith(_ => sink.Writer.TryComplete(), TaskScheduler.Default);
                await foreach (var _ in sink.Reader.ReadAllAsync())
                {
                    if (Interlocked.Increment(ref received) == 40)
                    {
                        enough.TrySetResult();
                    }
                }
            })).ToArray();
            await Task.WhenAny(enough.Task, Task.WhenAll(streams));
            first.Child.Kill();
            await first.Child.WaitForExitAsync(TimeSpan.FromSeconds(30));
            await Task.WhenAll(streams.Select(s => s.ContinueWith(_ => { }, TaskScheduler.Default)));
        }

        // What the killed kernel left: snapshots of the generations it had preempted and not finished.
        int stored;
        await using (var storage = new AgentOS.Kernel.StorageConfig().CreateBackend(data, TimeProvider.System))
        {
            stored = (await storage.ListAsync(GenerationStore.Prefix)).Count;
        }
        Assert.True(stored >= 1, "the kernel was killed with generations half done and their snapshots stored");

        // Second kernel on the same storage: the same queries finish from their snapshots.
        using (var second = await ServeProcess.StartAsync(data, "--config", config, "--agents", agents))
        {
            using var port = second.CreatePort();
            var answers = await Task.WhenAll(Enumerable.Range(0, Agents).Select(i => new AgentContext($"writer-{i}", port).Planning.QueryAsync(Query(i)).AsTask()));
            for (int i = 0; i < Agents; i++)
            {
                Assert.Equal(expected[i], answers[i].Content, $"writer {i} (of {stored} resumed from storage)");
            }
            // The store is one process's at a time: let this kernel go before reading its folder.
            second.Child.Kill();
            await second.Child.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
        await using (var storage = new AgentOS.Kernel.StorageConfig().CreateBackend(data, TimeProvider.System))
        {
            Assert.Equal(0, (await storage.ListAsync(GenerationStore.Prefix)).Count, "every stored snapshot was resumed and then forgotten");
        }
    }
}
