using AgentOS.Context;
using AgentOS.Llm.Embedded;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Llm;

/// <summary>
/// The preemption primitives: a generation stopped at any token boundary, written to bytes, resumed in another
/// sequence (or another engine), continues with exactly the tokens of an uninterrupted run, and computes no prefill
/// again; continuous batching gives each generation exactly its output alone.
/// </summary>
[RequiresShared("data/models/stories260K.bin")]
[RequiresShared("data/models/tok512.bin")]
public sealed class Llama2PreemptionTests
{
    private static readonly Lazy<Llama2Generator> Shared = new(NewGenerator);

    private static readonly string[] Prompts = ["", "Once upon a time", "The cat sat on the mat and", "Lily and Ben went to the park. They saw a big dog"];

    private static Llama2Generator NewGenerator()
    {
        var model = new Llama2Model(Llama2Checkpoint.Load(RepoPaths.Shared("data/models/stories260K.bin")));
        return new Llama2Generator(model, Llama2Tokenizer.Load(RepoPaths.Shared("data/models/tok512.bin"), model.Config.VocabSize));
    }

    private static Llama2Sampler Sampler(int i) => i % 3 == 0 ? new Llama2Sampler(0) : new Llama2Sampler(1.0f, i % 2 == 0 ? 0.9f : 1.0f, seed: (ulong)(1000 + i));

    private static (List<int> Tokens, long Prefill, long Decode) Uninterrupted(Llama2Generator generator, string prompt, int steps, Llama2Sampler sampler)
    {
        var counters = new Llama2Counters();
        using var generation = Llama2Generation.Start(generator.Pool, generator.Tokenizer.Encode(prompt), steps, sampler, counters);
        while (!generation.IsFinished)
        {
            generation.Step();
        }
        return ([.. generation.Generated.ToArray()], counters.PrefillTokens, counters.DecodeTokens);
    }

    [Test]
    public void ASuspendedGenerationResumesFromBytesWithIdenticalTokensAndNoPrefill()
    {
        var generator = Shared.Value;
        var other = new Llama2SequencePool(generator.Model); // resumes land in other sequences than they left
        var random = new Random(7);
        int suspensions = 0;
        for (int i = 0; i < 12; i++)
        {
            string prompt = Prompts[i % Prompts.Length];
            int steps = 40 + 13 * i;
            var (expected, prefill, decode) = Uninterrupted(generator, prompt, steps, Sampler(i));

            var counters = new Llama2Counters();
            var generation = Llama2Generation.Start(generator.Pool, generator.Tokenizer.Encode(prompt), steps, Sampler(i), counters);
            while (!generation.IsFinished)
            {
                generation.Step();
                // Stop at random token boundaries, during the prompt too.
                if (!generation.IsFinished && random.Next(5) == 0)
                {
                    int position = generation.Position;
                    var bytes = generation.Suspend();
                    generation = Llama2Generation.Resume(suspensions++ % 2 == 0 ? other : generator.Pool, bytes, counters);
                    Assert.Equal(position, generation.Position);
                }
            }
            Assert.SequenceEqual(expected, generation.Generated.ToArray(), $"generation {i} ({prompt})");
            Assert.Equal(prefill, counters.PrefillTokens, $"generation {i}: the prompt is computed once, never on resume");
            Assert.Equal(decode, counters.DecodeTokens, $"generation {i}: no position is computed twice");
            generation.Dispose();
        }
        Assert.True(suspensions > 20, $"{suspensions} suspensions");
    }

    [Test]
    public void TheSnapshotHoldsTheKvCacheUpToThePositionAndTheSamplerState()
    {
        var generator = Shared.Value;
        var c = generator.Model.Config;
        var sampler = new Llama2Sampler(0.8f, 0.95f, seed: 99);
        var generation = generator.Start("Once upon a time", 100, sampler);
        for (int i = 0; i < 30; i++)
        {
            generation.Step();
        }
        ulong random = sampler.RandomState;
        int count = generation.Generated.Length + generation.PromptLength;
        int size = generation.SnapshotBytes;
        var bytes = generation.Suspend();
        // 72 header bytes, the tokens, keys and values of 30 positions in every layer, the checksum.
        Assert.Equal(72 + 4 * count + 2 * 4 * c.Layers * 30 * c.KvDim + 8, bytes.Length);
        Assert.Equal(size, bytes.Length);
        var resumed = Llama2Generation.Resume(generator.Pool, bytes);
        Assert.Equal(30, resumed.Position);
        Assert.Equal(0.8f, resumed.Sampler.Temperature);
        Assert.Equal(0.95f, resumed.Sampler.TopP);
        Assert.Equal(random, resumed.Sampler.RandomState);
        resumed.Dispose();
    }

    [Test]
    public void ACorruptTruncatedForeignOrFutureSnapshotIsATypedError()
    {
        var generator = Shared.Value;
        var bytes = Snapshot(generator, "Once upon a time", 20);
        Assert.Contains("checksum", Assert.Throws<SnapshotFormatException>(() => Resume(generator, Flip(bytes, bytes.Length / 2))).Message);
        Assert.Contains("truncated", Assert.Throws<SnapshotFormatException>(() => Resume(generator, bytes[..^9])).Message);
        Assert.Contains("shorter than any", Assert.Throws<SnapshotFormatException>(() => Resume(generator, bytes[..10])).Message);
        Assert.Contains("AOKV", Assert.Throws<SnapshotFormatException>(() => Resume(generator, "This is not a snapshot at all, just some text that is long enough to pass the length check, really."u8.ToArray())).Message);
        var future = (byte[])bytes.Clone();
        future[4] = 9;
        Assert.Contains("version 9", Assert.Throws<SnapshotFormatException>(() => Resume(generator, future)).Message);

        // The same engine on a model of another shape (a 256-position context) refuses it.
        using var temp = new TempDirectory("agentos-snapshot-shape");
        var original = File.ReadAllBytes(RepoPaths.Shared("data/models/stories260K.bin"));
        int headSize = generator.Model.Config.HeadSize;
        var shorter = original[..^(256 * headSize * 4)]; // legacy RoPE tables: context × head size floats
        BitConverter.GetBytes(256).CopyTo(shorter, 24);
        File.WriteAllBytes(temp.Combine("short.bin"), shorter);
        var otherModel = new Llama2Model(Llama2Checkpoint.Load(temp.Combine("short.bin")));
        var error = Assert.Throws<SnapshotFormatException>(() => Llama2Generation.Resume(new Llama2SequencePool(otherModel), bytes));
        Assert.Contains("another shape", error.Message);
    }

    [Test]
    public void SequencesAreRecycledAsGenerationsComeAndGo()
    {
        var generator = NewGenerator();
        for (int i = 0; i < 20; i++)
        {
            using var a = generator.Start("Once upon a time", 20, new Llama2Sampler(0));
            var b = generator.Start("The dog", 20, new Llama2Sampler(0));
            a.Step();
            b.Step();
            var bytes = b.Suspend();
            using var c = generator.Resume(bytes);
            c.Step();
        }
        Assert.Equal(2L, generator.Pool.Created);
    }

    [Test(TimeoutSeconds = 120)]
    public async Task BatchedGenerationsJoiningAndLeavingGetTheirOutputsAlone()
    {
        var generator = NewGenerator();
        var engine = new Llama2BatchEngine(generator, maxBatch: 6);
        const int N = 10;
        var expected = Enumerable.Range(0, N).Select(i => Uninterrupted(generator, Prompts[i % Prompts.Length], 30 + 17 * i, Sampler(i)).Tokens).ToArray();
        var runs = Enumerable.Range(0, N).Select(async i =>
        {
            await Task.Delay(i * 3); // arrivals spread out: generations join a running batch
            using var generation = generator.Start(Prompts[i % Prompts.Length], 30 + 17 * i, Sampler(i));
            var streamed = new List<int>();
            Assert.Null(await engine.RunAsync(generation, (token, _) => streamed.Add(token)));
            Assert.SequenceEqual(generation.Generated.ToArray(), streamed);
            return streamed;
        }).ToArray();
        var outputs = await Task.WhenAll(runs);
        for (int i = 0; i < N; i++)
        {
            Assert.SequenceEqual(expected[i], outputs[i], $"generation {i}");
        }
        Assert.True(engine.LargestBatch > 1, $"largest batch {engine.LargestBatch}");
        Assert.True(engine.LargestBatch <= 6, $"largest batch {engine.LargestBatch}");
        var counters = generator.Counters;
        Assert.True(counters.Steps < counters.ForwardPasses, $"{counters.ForwardPasses} positions in {counters.Steps} shared steps");
    }

    [Test(TimeoutSeconds = 120)]
    public async Task BatchedGenerationsSuspendedAndResumedManyTimesGetTheirOutputsAlone()
    {
        var generator = NewGenerator();
        var engine = new Llama2BatchEngine(generator, maxBatch: 4);
        const int N = 8;
        var expected = Enumerable.Range(0, N).Select(i => Uninterrupted(generator, Prompts[i % Prompts.Length], 40 + 11 * i, Sampler(i))).ToArray();
        long prefillBefore = generator.Counters.PrefillTokens;
        var runs = Enumerable.Range(0, N).Select(i => Task.Run(async () =>
        {
            var random = new Random(i);
            var generation = generator.Start(Prompts[i % Prompts.Length], 40 + 11 * i, Sampler(i));
            var streamed = new List<int>();
            int quanta = 0;
            while (true)
            {
                int quantum = 1 + random.Next(8), produced = 0;
                var snapshot = await engine.RunAsync(generation, (token, _) => { streamed.Add(token); produced++; }, () => produced >= quantum);
                if (snapshot is null)
                {
                    break;
                }
                quanta++;
                generation = generator.Resume(snapshot);
            }
            Assert.SequenceEqual(generation.Generated.ToArray(), streamed);
            generation.Dispose();
            return (streamed, quanta);
        })).ToArray();
        var outputs = await Task.WhenAll(runs);
        int suspensions = 0;
        for (int i = 0; i < N; i++)
        {
            Assert.SequenceEqual(expected[i].Tokens, outputs[i].streamed, $"generation {i}");
            suspensions += outputs[i].quanta;
        }
        Assert.True(suspensions > N * 3, $"{suspensions} suspensions");
        Assert.Equal(expected.Sum(e => e.Prefill), generator.Counters.PrefillTokens - prefillBefore, "prompts are computed once; resumes compute no prefill");
    }

    private static byte[] Snapshot(Llama2Generator generator, string prompt, int positions, Llama2Sampler? sampler = null)
    {
        var generation = generator.Start(prompt, 200, sampler ?? new Llama2Sampler(0));
        for (int i = 0; i < positions; i++)
        {
            generation.Step();
        }
        return generation.Suspend();
    }

    private static void Resume(Llama2Generator generator, byte[] bytes) => generator.Resume(bytes).Dispose();

    private static byte[] Flip(byte[] bytes, int at)
    {
        var copy = (byte[])bytes.Clone();
        copy[at] ^= 0x10;
        return copy;
    }
}
