using AgentOS.Llm.Embedded;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Llm;

/// <summary>
/// llama2.c's versioned export formats. No such files are shipped, so the tests write them from the legacy stories260K
/// checkpoint exactly as llama2.c's export.py lays them out (version1_export / version2_export, commit 350e04f).
/// </summary>
[RequiresShared("data/models/stories260K.bin")]
[RequiresShared("data/models/tok512.bin")]
public sealed class Llama2FormatTests : IDisposable
{
    private readonly TempDirectory _temp = new("agentos-llama2-formats");
    private readonly Llama2Checkpoint _legacy = Llama2Checkpoint.Load(RepoPaths.Shared("data/models/stories260K.bin"));

    public void Dispose() => _temp.Dispose();

    [Test]
    public void Version1GivesExactlyTheFp32Output()
    {
        var v1 = Llama2Checkpoint.Load(Write(1, groupSize: 0));
        Assert.Equal(_legacy.Config, v1.Config);
        Assert.SequenceEqual(Greedy(_legacy), Greedy(v1));
    }

    [Test]
    public void Version2StaysCloseToTheFp32Output()
    {
        var v2 = Llama2Checkpoint.Load(Write(2, groupSize: 64));
        Assert.Equal(_legacy.Config, v2.Config);
        // Feed both models the fp32 model's own greedy tokens and compare their logits position by position.
        var tokens = Greedy(_legacy);
        var fp32 = new Llama2Model(_legacy);
        var int8 = new Llama2Model(v2);
        var a = fp32.NewSequence();
        var b = int8.NewSequence();
        double worst = 0;
        int agree = 0, positions = 64;
        int token = Llama2Tokenizer.Bos;
        for (int pos = 0; pos < positions; pos++)
        {
            var la = fp32.Forward(a, token, pos).ToArray();
            var lb = int8.Forward(b, token, pos).ToArray();
            double range = la.Max() - la.Min();
            worst = Math.Max(worst, la.Zip(lb, (x, y) => Math.Abs(x - y)).Max() / range);
            agree += Array.IndexOf(la, la.Max()) == Array.IndexOf(lb, lb.Max()) ? 1 : 0;
            token = tokens[pos];
        }
        // Symmetric Q8_0 keeps each weight within half a step, max|w|/254 of its group (under 0.4%); through 5 layers
        // that moved the logits by at most 1.08% of their range over these 64 positions (measured), with the top token
        // agreeing at 63 of 64. The bound is 5% (noise in the input can only grow through the layers), and the top
        // token must agree almost everywhere (a near-tie may flip).
        Assert.True(worst < 0.05, $"largest logit difference {worst:P2} of the logit range");
        Assert.True(agree >= positions - 3, $"top tokens agree at {agree} of {positions} positions");
    }

    [Test]
    public void BadVersionsAndTruncatedExportsAreClearErrors()
    {
        var v2 = File.ReadAllBytes(Write(2, groupSize: 64));
        var truncated = _temp.Combine("v2-truncated.bin");
        File.WriteAllBytes(truncated, v2[..^100]);
        Assert.Contains("truncated", Assert.Throws<ModelFormatException>(() => Llama2Checkpoint.Load(truncated)).Message);

        var v3 = (byte[])v2.Clone();
        BitConverter.GetBytes(3).CopyTo(v3, 4);
        var future = _temp.Combine("v3.bin");
        File.WriteAllBytes(future, v3);
        Assert.Contains("version 3", Assert.Throws<ModelFormatException>(() => Llama2Checkpoint.Load(future)).Message);

        var headerOnly = _temp.Combine("header.bin");
        File.WriteAllBytes(headerOnly, v2[..100]);
        Assert.Contains("256-byte header is truncated", Assert.Throws<ModelFormatException>(() => Llama2Checkpoint.Load(headerOnly)).Message);
    }

    private static List<int> Greedy(Llama2Checkpoint checkpoint)
    {
        var model = new Llama2Model(checkpoint);
        var generator = new Llama2Generator(model, Llama2Tokenizer.Load(RepoPaths.Shared("data/models/tok512.bin"), model.Config.VocabSize));
        return [.. generator.Generate("", steps: 128, new Llama2Sampler(temperature: 0)).Tokens];
    }

    // export.py's version1_export / version2_export, from the legacy layout the checkpoint holds.
    private string Write(int version, int groupSize)
    {
        var c = _legacy.Config;
        var w = _legacy.Weights;
        long l = c.Layers, d = c.Dim, h = c.HiddenDim, kv = c.KvDim, v = c.VocabSize;
        long embedding = 0, rmsAtt = v * d, wq = rmsAtt + l * d, wk = wq + l * d * d, wv = wk + l * d * kv, wo = wv + l * d * kv;
        long rmsFfn = wo + l * d * d, w1 = rmsFfn + l * d, w2 = w1 + l * d * h, w3 = w2 + l * h * d, rmsFinal = w3 + l * d * h;

        var path = _temp.Combine($"v{version}.bin");
        using var file = new BinaryWriter(File.Create(path));
        file.Write(Llama2Checkpoint.Magic);
        file.Write(version);
        foreach (int value in new[] { c.Dim, c.HiddenDim, c.Layers, c.Heads, c.KvHeads, c.VocabSize, c.SeqLen })
        {
            file.Write(value);
        }
        file.Write((byte)(c.SharedClassifier ? 1 : 0));
        if (version == 2)
        {
            file.Write(groupSize);
        }
        file.Write(new byte[256 - file.BaseStream.Position]);

        void Floats(long offset, long count)
        {
            for (long i = 0; i < count; i++)
            {
                file.Write(w[offset + i]);
            }
        }

        // Q8_0 as quantize_q80: per group, scale = max|w| / 127, q = round-half-even(w / scale); int8s, then scales.
        void Quantized(long offset, long count)
        {
            var scales = new List<float>();
            for (long g = 0; g < count; g += groupSize)
            {
                float max = 0;
                for (int i = 0; i < groupSize; i++)
                {
                    max = Math.Max(max, Math.Abs(w[offset + g + i]));
                }
                float scale = max / 127.0f;
                scales.Add(scale);
                for (int i = 0; i < groupSize; i++)
                {
                    file.Write((sbyte)(scale == 0 ? 0 : Math.Round(w[offset + g + i] / scale, MidpointRounding.ToEven)));
                }
            }
            foreach (var scale in scales)
            {
                file.Write(scale);
            }
        }

        Floats(rmsAtt, l * d);
        Floats(rmsFfn, l * d);
        Floats(rmsFinal, d);
        var matrices = new List<(long, long)> { (embedding, v * d) };
        foreach (var (start, size) in new[] { (wq, d * d), (wk, d * kv), (wv, d * kv), (wo, d * d), (w1, d * h), (w2, h * d), (w3, d * h) })
        {
            if (version == 1)
            {
                matrices.Add((start, l * size));
            }
            else
            {
                for (long layer = 0; layer < l; layer++)
                {
                    matrices.Add((start + layer * size, size));
                }
            }
        }
        foreach (var (offset, count) in matrices)
        {
            if (version == 1)
            {
                Floats(offset, count);
            }
            else
            {
                Quantized(offset, count);
            }
        }
        return path;
    }
}
