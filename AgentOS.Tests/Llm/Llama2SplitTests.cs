using AgentOS.Llm.Embedded;
using AgentOS.Tests.Framework;
using AgentOS.Threading;

namespace AgentOS.Tests.Llm;

/// <summary>Matrix-vector products split across a pinned pool give exactly the bits of unsplit ones, and a step taken
/// on one of the pool's own workers runs unsplit instead of waiting for itself.</summary>
[RequiresShared("data/models/stories260K.bin")]
public sealed class Llama2SplitTests
{
    private static Llama2Checkpoint Checkpoint() => Llama2Checkpoint.Load(RepoPaths.Shared("data/models/stories260K.bin"));

    [Test]
    public void SplitProductsGiveTheLogitsOfUnsplitOnes()
    {
        using var pool = new PinnedThreadPool(new PinnedThreadPoolOptions { Name = "split-test", WorkerCount = 3, Pin = false });
        var checkpoint = Checkpoint();
        var plain = new Llama2Model(checkpoint);
        var split = new Llama2Model(checkpoint, pool, splitThreshold: 0); // every product split, 4 ways
        var a = plain.NewSequence();
        var b = split.NewSequence();
        int token = Llama2Tokenizer.Bos;
        for (int pos = 0; pos < 64; pos++)
        {
            var expected = plain.Forward(a, token, pos).ToArray();
            var actual = split.Forward(b, token, pos).ToArray();
            Assert.SequenceEqual(expected, actual, $"logits at position {pos}");
            token = Array.IndexOf(expected, expected.Max());
        }
        Assert.True(pool.CompletedCount > 0, "the pool's workers took parts");
    }

    [Test(TimeoutSeconds = 30)]
    public async Task AStepOnAPoolWorkerRunsUnsplit()
    {
        using var pool = new PinnedThreadPool(new PinnedThreadPoolOptions { Name = "split-self", WorkerCount = 1, Pin = false });
        var model = new Llama2Model(Checkpoint(), pool, splitThreshold: 0);
        var done = new TaskCompletionSource<float[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        pool.Enqueue(() => done.SetResult(model.Forward(model.NewSequence(), Llama2Tokenizer.Bos, 0).ToArray()));
        var logits = await done.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.SequenceEqual(new Llama2Model(Checkpoint()).Forward(model.NewSequence(), Llama2Tokenizer.Bos, 0).ToArray(), logits);
    }
}
