using AgentOS.Context;
using AgentOS.Llm;
using AgentOS.Llm.Embedded;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Llm;

/// <summary>
/// A context switch's engine snapshot lives in a pooled buffer: consumed on resume (its buffer goes back to the pool),
/// never readable afterwards, and a steady stream of switches allocates no snapshot buffers.
/// </summary>
[RequiresShared("data/models/stories260K.bin")]
[RequiresShared("data/models/tok512.bin")]
public sealed class EmbeddedSnapshotPoolingTests
{
    private static EmbeddedLlmBackend Backend() =>
        new(RepoPaths.Shared("data/models/stories260K.bin"), RepoPaths.Shared("data/models/tok512.bin"));

    [Test]
    public async Task ASwitchSnapshotResumesOnceExactlyThenFailsTyped()
    {
        var backend = Backend();
        var query = new LlmQuery { Messages = [ChatMessage.User("Lily and Tom went to the park")], MaxTokens = 40, Temperature = 0 };
        var whole = await backend.GenerateAsync(query);

        var first = await backend.RunAsync(query, null, new SuspendAfter(10));
        var snapshot = Assert.NotNull(first.Suspended);
        var stored = snapshot.ToBytes(); // what the generation store keeps: its own copy
        var resumed = await backend.RunAsync(query, snapshot, new SuspendAfter(int.MaxValue));
        Assert.Equal(whole.Content, Assert.NotNull(resumed.Response).Content, "a resumed generation gives the tokens of an unswitched one");

        // Consumed: its buffer went back to the pool, so nothing may read it through this snapshot again.
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await backend.RunAsync(query, snapshot, new SuspendAfter(int.MaxValue)));
        Assert.Throws<ObjectDisposedException>(() => _ = snapshot.EngineState);
        Assert.Throws<ObjectDisposedException>(() => snapshot.ToBytes());

        // The stored copy is independent of the pooled buffer and still resumes exactly.
        var again = await backend.RunAsync(query, GenerationSnapshot.FromBytes(stored), new SuspendAfter(int.MaxValue));
        Assert.Equal(whole.Content, Assert.NotNull(again.Response).Content);
    }

    [Test]
    public void SwitchesReuseSnapshotBuffersInsteadOfAllocatingThem()
    {
        var generator = Backend().Engine.Generator;
        var generation = generator.Start("", 400, new Llama2Sampler(temperature: 0));
        while (generation.Position < 200)
        {
            generation.Step();
        }
        int snapshotBytes = generation.SnapshotBytes;
        generation = Switch(generator, generation); // the first switch rents the buffer
        const int Switches = 50;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Switches; i++)
        {
            generation = Switch(generator, generation);
        }
        long perSwitch = (GC.GetAllocatedBytesForCurrentThread() - before) / Switches;
        generation.Dispose();
        // A fresh buffer per switch would be snapshotBytes (about 200 KB here); what remains is the resumed
        // generation's small objects (its token array, sampler, the snapshot object).
        Assert.True(perSwitch < snapshotBytes / 20, $"{perSwitch} bytes allocated per switch; the snapshot is {snapshotBytes} bytes");
    }

    // One context switch as the embedded backend makes it: suspend into a pooled buffer, resume, release.
    private static Llama2Generation Switch(Llama2Generator generator, Llama2Generation generation)
    {
        var snapshot = GenerationSnapshot.Pooled("embedded", "", 0, generation.SuspendPooled());
        var resumed = generator.Resume(snapshot.State);
        snapshot.Release();
        return resumed;
    }

    private sealed class SuspendAfter(int tokens) : ILlmRunControl
    {
        private int _seen;

        public bool ShouldSuspend => _seen >= tokens;

        public void OnDelta(string text) => _seen++;
    }
}
