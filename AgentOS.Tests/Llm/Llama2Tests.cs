using AgentOS.Llm.Embedded;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Llm;

/// <summary>The embedded llama2.c engine on the real stories260K checkpoint (../shared/data/models).</summary>
[RequiresShared("data/models/stories260K.bin")]
[RequiresShared("data/models/tok512.bin")]
public sealed class Llama2Tests
{
    private static readonly Lazy<Llama2Generator> Engine = new(() =>
    {
        var model = new Llama2Model(Llama2Checkpoint.Load(RepoPaths.Shared("data/models/stories260K.bin")));
        return new Llama2Generator(model, Llama2Tokenizer.Load(RepoPaths.Shared("data/models/tok512.bin"), model.Config.VocabSize));
    });

    [Test]
    public void TheCheckpointHeaderIsRead()
    {
        Assert.Equal(new Llama2Config(64, 172, 5, 8, 4, 512, 512, SharedClassifier: true), Engine.Value.Model.Config);
    }

    [Test]
    public void GreedyWithoutAPromptTellsLlama2csStory()
    {
        // The reference text of llama2.c's doc/stories260K.md for run.c with temperature 0 and no prompt.
        var (_, text) = Engine.Value.Generate("", steps: 64, new Llama2Sampler(temperature: 0));
        Console.WriteLine(text);
        Assert.True(text.StartsWith("Once upon a time, there was a little girl named Lily.", StringComparison.Ordinal), text);
    }

    [Test]
    public void GenerationIsDeterministicForASeed()
    {
        var first = Engine.Value.Generate("Once upon a time", steps: 80, new Llama2Sampler(temperature: 1.0f, topP: 0.9f, seed: 42));
        var second = Engine.Value.Generate("Once upon a time", steps: 80, new Llama2Sampler(temperature: 1.0f, topP: 0.9f, seed: 42));
        Assert.SequenceEqual(first.Tokens, second.Tokens);
        Assert.True(first.Tokens.Count > 10, "it generated a story");
    }

    [Test]
    public void TextRoundTripsThroughTheTokenizer()
    {
        var tokenizer = Engine.Value.Tokenizer;
        foreach (var text in new[] { "Once upon a time, Lily saw a big red ball.", "héllo wörld ✓", "a" })
        {
            var tokens = tokenizer.Encode(text, bos: true);
            Assert.Equal(Llama2Tokenizer.Bos, tokens[0]);
            Assert.Equal(text, tokenizer.DecodeAll(tokens));
        }
    }

    [Test]
    public void ATruncatedOrForeignFileIsAClearError()
    {
        using var temp = new TempDirectory("agentos-llama2");
        var original = File.ReadAllBytes(RepoPaths.Shared("data/models/stories260K.bin"));
        var truncated = temp.Combine("truncated.bin");
        File.WriteAllBytes(truncated, original[..(original.Length / 2)]);
        Assert.Contains("truncated", Assert.Throws<ModelFormatException>(() => Llama2Checkpoint.Load(truncated)).Message);
        var foreign = temp.Combine("foreign.bin");
        File.WriteAllText(foreign, "this is not a model, just some text that is long enough");
        Assert.Contains("plausible llama2.c header", Assert.Throws<ModelFormatException>(() => Llama2Checkpoint.Load(foreign)).Message);
        Assert.Contains("Cannot read the model", Assert.Throws<ModelFormatException>(() => Llama2Checkpoint.Load(temp.Combine("missing.bin"))).Message);
        var tiny = temp.Combine("tiny.bin");
        File.WriteAllBytes(tiny, original[..10]);
        Assert.Contains("too short", Assert.Throws<ModelFormatException>(() => Llama2Checkpoint.Load(tiny)).Message);
    }
}

/// <summary>Preempting a sequence between tokens: snapshot its KV cache, resume it elsewhere, get the same tokens.</summary>
[RequiresShared("data/models/stories260K.bin")]
public sealed class Llama2SnapshotTests
{
    [Test]
    public void ASequenceResumedFromASnapshotContinuesWithIdenticalTokens()
    {
        var model = new Llama2Model(Llama2Checkpoint.Load(RepoPaths.Shared("data/models/stories260K.bin")));
        var logits = new float[model.Config.VocabSize];
        List<int> Run(Llama2Sequence sequence, int token, int from, int to)
        {
            var tokens = new List<int>();
            for (int pos = from; pos < to; pos++)
            {
                model.Forward(sequence, token, pos).CopyTo(logits);
                token = new Llama2Sampler(temperature: 0).Sample(logits);
                tokens.Add(token);
            }
            return tokens;
        }

        var straight = Run(model.NewSequence(), Llama2Tokenizer.Bos, 0, 60);

        var first = model.NewSequence();
        var head = Run(first, Llama2Tokenizer.Bos, 0, 25);
        var snapshot = first.Snapshot(25);
        Assert.Equal(4L * 2 * model.Config.Layers * 25 * model.Config.KvDim, snapshot.Bytes);
        var resumed = model.NewSequence();
        resumed.Restore(snapshot);
        var tail = Run(resumed, head[^1], 25, 60);
        Assert.SequenceEqual(straight, head.Concat(tail));
    }
}

/// <summary>Continuous batching gives every sequence exactly what it would get alone.</summary>
[RequiresShared("data/models/stories260K.bin")]
public sealed class Llama2BatchTests
{
    // 3: one thread; 6: two threads of 3; 11: two threads of 5 and 6, each with a four-sequence block and a rest.
    [Test]
    public void ABatchStepGivesEachSequenceTheLogitsItWouldGetAlone()
    {
        var model = new Llama2Model(Llama2Checkpoint.Load(RepoPaths.Shared("data/models/stories260K.bin")));
        foreach (int size in new[] { 3, 6, 11 })
        {
            StepTogetherAndAlone(model, size);
        }
    }

    private static void StepTogetherAndAlone(Llama2Model model, int size)
    {
        var alone = Enumerable.Range(0, size).Select(_ => model.NewSequence()).ToArray();
        var batched = Enumerable.Range(0, size).Select(_ => model.NewSequence()).ToArray();
        var tokens = Enumerable.Range(0, size).Select(b => 10 + 37 * b).ToArray();
        // Sequences start at different positions, as in a continuous batch where agents joined at different times.
        var starts = Enumerable.Range(0, size).Select(b => b * 5 % 8).ToArray();
        for (int b = 0; b < size; b++)
        {
            for (int pos = 0; pos < starts[b]; pos++)
            {
                model.Forward(alone[b], tokens[b], pos);
                model.Forward(batched[b], tokens[b], pos);
            }
        }
        for (int step = 0; step < 12; step++)
        {
            var positions = starts.Select(s => s + step).ToArray();
            model.ForwardBatch(batched, tokens, positions);
            for (int b = 0; b < size; b++)
            {
                var expected = model.Forward(alone[b], tokens[b], positions[b]).ToArray();
                Assert.SequenceEqual(expected, Llama2Model.Logits(batched[b]).ToArray(), $"batch of {size}: sequence {b}, step {step}");
                tokens[b] = new Llama2Sampler(temperature: 0).Sample(expected);
            }
        }
    }
}
