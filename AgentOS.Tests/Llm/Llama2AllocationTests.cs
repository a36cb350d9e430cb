using AgentOS.Llm.Embedded;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Llm;

/// <summary>Decoding a token allocates nothing once a sequence and its sampler exist: the forward pass works in the
/// sequence's own buffers and the sampler reuses its candidate array.</summary>
[RequiresShared("data/models/stories260K.bin")]
public sealed class Llama2AllocationTests
{
    [Test]
    public void ForwardAndSampleAllocateNothingPerToken()
    {
        Skip.UnlessOptimized();
        var model = new Llama2Model(Llama2Checkpoint.Load(RepoPaths.Shared("data/models/stories260K.bin")));
        var sequence = model.NewSequence();
        var logits = new float[model.Config.VocabSize];
        foreach (var sampler in new[] { new Llama2Sampler(temperature: 0), new Llama2Sampler(temperature: 1.0f, topP: 0.9f, seed: 7), new Llama2Sampler(temperature: 0.8f, topP: 1.0f, seed: 7) })
        {
            // Round 0 warms up (JIT tiers, the sampler's candidate array); round 1 decodes 256 tokens again, measured.
            for (int round = 0; round < 2; round++)
            {
                int token = Llama2Tokenizer.Bos;
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int pos = 0; pos < 256; pos++)
                {
                    model.Forward(sequence, token, pos).CopyTo(logits);
                    token = sampler.Sample(logits);
                }
                if (round == 1)
                {
                    Assert.Equal(0L, GC.GetAllocatedBytesForCurrentThread() - before, "bytes allocated by 256 decoded tokens");
                }
            }
        }
    }
}
